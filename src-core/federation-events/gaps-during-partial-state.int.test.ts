/**
 * Incoming events with holes in front of them, while the room is partial-stated, against the
 * scripted resident: missing parents and grandparents are fetched with /get_missing_events
 * (naming the received event as latest_events), events that arrive before their prev events
 * are stitched in, and an event rejected on partial state that full state rejects too stays
 * rejected (no reset is invented).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPeer } from '../demo/test-peer/test-peer';
import type { ScriptedRoom } from '../demo/test-peer/scripted-room';
import type { Homeserver } from '../homeserver';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';
import { waitFor } from '../testing/wait-for';

let peer: TestPeer;
let skein: Homeserver;
let room: ScriptedRoom;
let release: () => void;

const stored = (eventId: string): boolean =>
  skein.context.rooms.eventStore.getEventState(eventId) !== undefined;

beforeAll(async () => {
  [peer, skein] = await Promise.all([TestPeer.start(), startTestHomeserver()]);
  room = peer.createRoom({ version: '12', name: 'Gaps' });
  room.join(peer.user('bob'));
  // Keep the room partial for the whole test: the resync's first /state_ids waits.
  const held = peer.hold('state_ids');
  release = () => held.release();
  const zoe = await registerUser(skein, 'zoe');
  expectStatus(
    await zoe.call(
      'POST',
      `/join/${encodeURIComponent(room.roomId)}?server_name=${encodeURIComponent(peer.serverName)}`,
      {},
    ),
    200,
  );
  await held.arrived(1);
});

afterAll(async () => {
  release?.();
  await Promise.all([peer?.stop(), skein?.stop()]);
});

describe('gaps while partial-stated', () => {
  it('fetches missing parents and grandparents, naming the received event as latest', async () => {
    const bob = peer.user('bob');
    const grandparent = room.sendMessage(bob, 'one');
    const parent = room.sendMessage(bob, 'two');
    const child = room.sendMessage(bob, 'three');
    await peer.sendTransaction(skein.config.serverName, [child]);
    await waitFor('the child and its ancestors', () => stored(child.eventId));
    expect(stored(parent.eventId)).toBe(true);
    expect(stored(grandparent.eventId)).toBe(true);
    const asked = peer.requests('get_missing_events').at(-1);
    expect((asked?.body as { latest_events?: string[] }).latest_events).toEqual([child.eventId]);
    // They hang off our partial join: still partial-stated.
    expect(skein.context.rooms.partialState.isPartialEvent(child.eventId)).toBe(true);
    expect(skein.context.rooms.eventStore.getForwardExtremities(room.roomId)).toEqual([
      child.eventId,
    ]);
  });

  it('stitches in events that arrive before their prev events', async () => {
    const bob = peer.user('bob');
    const first = room.sendMessage(bob, 'first');
    const second = room.sendMessage(bob, 'second');
    // The peer cannot answer get_missing_events this time: the later event must wait for state.
    peer.fail('get_missing_events', 500, 'M_UNKNOWN', { times: 1 });
    await peer.sendTransaction(skein.config.serverName, [second, first]);
    await waitFor('both events', () => stored(first.eventId) && stored(second.eventId));
    const events = skein.context.rooms.eventStore;
    expect(events.getMeta(first.eventId)?.outlier).toBe(false);
    expect(events.getMeta(second.eventId)?.outlier).toBe(false);
    expect(events.getForwardExtremities(room.roomId)).toEqual([second.eventId]);
  });

  it('keeps an event rejected on partial state rejected when full state agrees', async () => {
    const stranger = peer.user('stranger');
    const intrusion = room.send({
      type: 'm.room.message',
      sender: stranger,
      content: { msgtype: 'm.text', body: 'never joined' },
      rejected: true,
    });
    await peer.sendTransaction(skein.config.serverName, [intrusion]);
    await waitFor('the intrusion judged', () => stored(intrusion.eventId));
    expect(skein.context.rooms.eventStore.isRejected(intrusion.eventId)).toBe(true);

    release();
    await waitFor(
      'the resync to finish',
      () => !skein.context.rooms.partialState.isPartialRoom(room.roomId),
    );
    expect(skein.context.rooms.eventStore.isRejected(intrusion.eventId)).toBe(true);
    const resets = await skein.admin.listStateResets(room.roomId);
    expect(resets.filter((r) => r.eventId === intrusion.eventId)).toEqual([]);
  });
});
