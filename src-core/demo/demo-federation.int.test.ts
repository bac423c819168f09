/**
 * The demo federation against a real local server that verifies TLS (as `npm run serve` does):
 * startDemo generates the room on a resident Skein server, the test peer plays the stale
 * moderator, and the admin user ends up partially joined with the resync paused at J and the
 * stale-auth events stored. Stepping un-partials exactly J; resuming to the end records the
 * expected verdict flips both ways; a second startDemo returns the same room; stopping the local
 * server stops the demo servers.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminStreamMessage } from '../admin-api/admin-api-types';
import type { Homeserver } from '../homeserver';
import { startTestHomeserver } from '../testing/test-homeserver';
import { waitUntil } from './demo-wait';

const OPTIONS = { members: 150, servers: 3, messages: 40, chatter: 20, seed: 3 };

let skein: Homeserver;
const stream: AdminStreamMessage[] = [];

beforeAll(async () => {
  skein = await startTestHomeserver({
    configure: (config) => {
      config.federation.insecureSkipTlsVerify = false;
    },
  });
  skein.admin.subscribe((message) => stream.push(message));
});

afterAll(async () => {
  await skein?.stop();
});

function portOpen(serverName: string): Promise<boolean> {
  const port = Number(serverName.slice(serverName.lastIndexOf(':') + 1));
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('demo federation', () => {
  it('partially joins a generated room, paused at J, with the stale-auth events waiting', async () => {
    const admin = skein.admin;
    const [{ roomId }, again] = await Promise.all([
      admin.startDemo(OPTIONS),
      admin.startDemo(OPTIONS),
    ]);
    expect(again.roomId).toBe(roomId);
    expect((await admin.startDemo(OPTIONS)).roomId).toBe(roomId);

    const room = await admin.getRoom(roomId);
    expect(room.partial).toBe(true);
    expect(room.name).toBe('Skein demo: a partial join');
    expect(room.resync?.phase).toBe('paused');
    expect(room.resync?.eventsDone).toBe(0);
    expect(room.serversInRoom.length).toBeGreaterThanOrEqual(OPTIONS.servers + 2);
    expect(stream.some((m) => m.kind === 'log' && m.line.message === 'demo: ready')).toBe(true);

    // Nothing moves while paused; one step un-partials exactly J.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await admin.getRoom(roomId)).resync?.eventsDone).toBe(0);
    await admin.stepResync(roomId, 1);
    await waitUntil('one step', () => skein.context.resync.progress(roomId)?.eventsDone === 1);
    const j = await admin.getEvent(roomId, room.joinEventId as string);
    expect(j.summary.partialState).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(skein.context.resync.progress(roomId)?.eventsDone).toBe(1);

    // Let the chatter arrive, then resume to the end.
    const chatterCount = skein.context.database.sqlite.prepare(
      "SELECT count(*) AS n FROM events WHERE room_id = ? AND json LIKE '%chatter %'",
    );
    await waitUntil(
      'the chatter',
      () => (chatterCount.get(roomId) as { n: number }).n === OPTIONS.chatter,
    );
    await admin.resumeResync(roomId);
    await waitUntil(
      'the resync to finish',
      () => !skein.context.rooms.partialState.isPartialRoom(roomId),
    );

    const resets = await admin.listStateResets(roomId);
    const flips = resets.filter((r) => r.kind === 'verdict_flip');
    const flip = (type: string, from: string, to: string) =>
      flips
        .filter((r) => r.oldVerdict === from && r.newVerdict === to)
        .map((r) => r.eventId)
        .map((id) => skein.context.rooms.eventStore.getEvent(id as string)?.type)
        .filter((t) => t === type).length;
    expect(flip('m.room.power_levels', 'accepted', 'rejected')).toBe(1);
    expect(flip('m.room.topic', 'rejected', 'accepted')).toBe(1);
    expect(flip('m.room.member', 'accepted', 'rejected')).toBe(1);
    expect(resets.some((r) => r.kind === 'state_changed')).toBe(true);
    expect(resets.some((r) => r.kind === 'current_state_changed')).toBe(true);
    // Mallory stays a member: the stale kick lost.
    const mallory = skein.context.rooms.currentState
      .members(roomId, 'join')
      .find((m) => m.userId.startsWith('@mallory:'));
    expect(mallory).toBeDefined();

    const serverNames = room.serversInRoom.filter((s) => s.startsWith('127.0.0.1:'));
    expect(await Promise.all(serverNames.map(portOpen))).toEqual(serverNames.map(() => true));
    await skein.stop();
    expect(await Promise.all(serverNames.map(portOpen))).toEqual(serverNames.map(() => false));
  }, 60_000);
});
