/**
 * State resets found by the resync, asserted through the admin API. The scripted resident (the
 * test peer, an independent implementation) plays the seed's tricky case: a user who left before
 * our join later acts on his stale power. Under partial state we cannot see his leave, so:
 *   - his demotion of mallory is accepted (wrongly), and
 *   - mallory's topic change, which the demotion would forbid, is rejected (wrongly).
 * The resync, with full state, flips both verdicts and records them, the partial state entry that
 * changed, and the change to the room's current state.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateReset } from '../admin-api/admin-api-types';
import { ADMIN_API_PREFIX } from '../admin-api/admin-http-routes';
import { TestPeer } from '../demo/test-peer/test-peer';
import type { Homeserver } from '../homeserver';
import { requestJson } from '../testing/https-request';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';

let peer: TestPeer;
let skein: Homeserver;

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  [peer, skein] = await Promise.all([TestPeer.start(), startTestHomeserver()]);
});

afterAll(async () => {
  await Promise.all([peer?.stop(), skein?.stop()]);
});

describe('state resets recorded by the resync', () => {
  it('flips a wrongly accepted and a wrongly rejected event, and records them', async () => {
    const room = peer.createRoom({ version: '11', name: 'Stale power' });
    const alice = peer.user('alice');
    const xavier = peer.user('xavier');
    const mallory = peer.user('mallory');
    room.join(xavier);
    room.join(mallory);
    const p1 = room.setPowerLevels(alice, (content) => ({
      ...content,
      users: { [alice]: 100, [xavier]: 100, [mallory]: 50 },
    }));
    room.leave(xavier);

    const held = peer.hold('state_ids');
    const bob = await registerUser(skein, 'bob');
    expectStatus(
      await bob.call(
        'POST',
        `/join/${encodeURIComponent(room.roomId)}?server_name=${encodeURIComponent(peer.serverName)}`,
        {},
      ),
      200,
    );
    await held.arrived(1);

    // Xavier left before our join, yet demotes mallory citing his old membership.
    const demotion = {
      ...(p1.content as Record<string, unknown>),
      users: { [alice]: 100, [xavier]: 100, [mallory]: 0 },
    };
    const p2 = room.send({
      type: 'm.room.power_levels',
      stateKey: '',
      sender: xavier,
      content: demotion,
      authEvents: room.authEventsAt(p1.eventId, {
        type: 'm.room.power_levels',
        stateKey: '',
        sender: xavier,
        content: demotion,
      }),
      rejected: true,
    });
    // Mallory (still at 50 in truth) changes the topic on top of it.
    const topic = room.send({
      type: 'm.room.topic',
      stateKey: '',
      sender: mallory,
      content: { topic: 'mallory was here' },
      prevEvents: [p2.eventId],
    });
    await peer.sendTransaction(skein.config.serverName, [p2, topic]);
    const events = skein.context.rooms.eventStore;
    await waitFor('both events stored', () => events.getEventState(topic.eventId) !== undefined);
    expect(events.isRejected(p2.eventId)).toBe(false);
    expect(events.isRejected(topic.eventId)).toBe(true);
    expect(events.getRejection(topic.eventId)?.rule).toMatch(/power/);

    held.release();
    await waitFor(
      'the resync to finish',
      () => !skein.context.rooms.partialState.isPartialRoom(room.roomId),
    );
    expect(events.isRejected(p2.eventId)).toBe(true);
    expect(events.isRejected(topic.eventId)).toBe(false);

    const token = readFileSync(skein.adminTokenFile, 'utf8').trim();
    const response = await requestJson(
      `${skein.baseUrl}${ADMIN_API_PREFIX}/rooms/${encodeURIComponent(room.roomId)}/state_resets`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const { resets } = expectStatus<{ resets: StateReset[] }>(response, 200);
    const flipOf = (eventId: string) =>
      resets.find((r) => r.eventId === eventId && r.kind === 'verdict_flip');
    expect(flipOf(p2.eventId)).toMatchObject({ oldVerdict: 'accepted', newVerdict: 'rejected' });
    expect(flipOf(p2.eventId)?.rule).toBeTruthy();
    expect(flipOf(topic.eventId)).toMatchObject({ oldVerdict: 'rejected', newVerdict: 'accepted' });
    const changedBeforeTopic = resets.find(
      (r) => r.eventId === topic.eventId && r.kind === 'state_changed',
    );
    expect(changedBeforeTopic?.changes).toContainEqual({
      type: 'm.room.power_levels',
      stateKey: '',
      oldEventId: p2.eventId,
      newEventId: p1.eventId,
    });
    const current = resets.find((r) => r.kind === 'current_state_changed');
    expect(current?.changes).toEqual(
      expect.arrayContaining([
        {
          type: 'm.room.power_levels',
          stateKey: '',
          oldEventId: p2.eventId,
          newEventId: p1.eventId,
        },
        { type: 'm.room.topic', stateKey: '', oldEventId: null, newEventId: topic.eventId },
      ]),
    );
    // Newest first.
    expect(resets.map((r) => r.resetId)).toEqual(
      [...resets.map((r) => r.resetId)].sort((x, y) => y - x),
    );
    // Our final state is the resident's truth.
    expect(
      skein.context.rooms.currentState.getCurrentStateEventId(
        room.roomId,
        'm.room.power_levels',
        '',
      ),
    ).toBe(p1.eventId);
    expect(
      skein.context.rooms.currentState.getCurrentStateEventId(room.roomId, 'm.room.topic', ''),
    ).toBe(topic.eventId);
  });
});
