/**
 * When every resident fails the resync does not give up (synapse#13000): it backs off, shows
 * why in its progress, and finishes once a resident answers again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';

let a: Homeserver;
let b: Homeserver;
let roomId: string;

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestHomeserver(),
    startTestHomeserver({ configure: (config) => (config.resync.startPaused = true) }),
  ]);
  const alice = await registerUser(a, 'alice');
  const bob = await registerUser(b, 'bob');
  roomId = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', { preset: 'public_chat', name: 'Flaky' }),
    200,
  ).room_id;
  expectStatus(
    await bob.call(
      'POST',
      `/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(a.config.serverName)}`,
      {},
    ),
    200,
  );
  await waitFor('paused at J', () => b.context.resync.progress(roomId)?.phase === 'paused');
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('resync against failing residents', () => {
  it('backs off while every destination fails and completes when one recovers', async () => {
    const { dataDir, serverName, listen } = a.config;
    await a.stop();
    b.context.resync.get(roomId)?.resume();
    await waitFor('backoff', () => b.context.resync.progress(roomId)?.phase === 'backoff');
    const progress = b.context.resync.progress(roomId);
    expect(progress?.lastError).toMatch(new RegExp(serverName.replace(/[.]/g, '\\.')));
    expect(progress?.retryAtTs).toBeGreaterThan(Date.now() - 1_000);
    expect(progress?.failedRounds).toBeGreaterThanOrEqual(1);
    expect(b.context.rooms.partialState.isPartialRoom(roomId)).toBe(true);
    // Nothing was marked fully stated on no data.
    expect(progress?.eventsDone).toBe(0);

    a = await startTestHomeserver({
      dataDir,
      configure: (config) => {
        config.serverName = serverName;
        config.listen = listen;
      },
    });
    await waitFor(
      'completion after recovery',
      () => !b.context.rooms.partialState.isPartialRoom(roomId),
      30_000,
    );
    expect(b.context.resync.progress(roomId)?.lastError).toBeNull();
    expect(new Map(b.context.rooms.currentState.getCurrentState(roomId))).toEqual(
      new Map(a.context.rooms.currentState.getCurrentState(roomId)),
    );
  });
});
