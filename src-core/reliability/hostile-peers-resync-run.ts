/**
 * Runs resync fault cases: Skein joins through the bad resident (so it is asked first), the
 * fault is armed, the good resident fails its first `/state_ids` so that the first round fails
 * entirely and the resync backs off; during the backoff nothing may be fully stated. Then the
 * bad resident fails again and the good one finishes the room.
 */
import { expect, it } from 'vitest';
import type { HostileSetup } from './hostile-peers-harness';
import {
  expectFinishedLikeGood,
  expectStatusOk,
  joinVia,
  linesAbout,
  scriptRoom,
  waitFor,
} from './hostile-peers-harness';
import type { ResyncFaultCase } from './hostile-peers-resync-cases';

export function resyncFaultTests(
  setup: () => HostileSetup,
  cases: readonly ResyncFaultCase[],
): void {
  for (const c of cases) {
    it(`${c.endpoint} ${c.fault}`, async () => {
      const s = setup();
      const { skein, good, bad } = s;
      const { rooms, resync } = skein.context;
      const scripted = scriptRoom(s, c.shape);
      const roomId = scripted.room.roomId;
      expectStatusOk(await joinVia(s, scripted.room, [bad]));
      const partialRoom = rooms.partialState.getRoom(roomId);
      expect(partialRoom?.joinedVia).toBe(bad.serverName);
      const joinId = partialRoom?.joinEventId ?? '';
      await waitFor('paused at J', () => resync.progress(roomId)?.phase === 'paused');

      await c.arm(s, scripted);
      const badRequestsBefore = bad.requestCount(c.endpoint);
      const logMark = s.logs.length;
      good.fail('state_ids', 503, 'M_UNKNOWN', { times: 1 });
      resync.get(roomId)?.resume();
      try {
        if (c.outcome === 'redacted') {
          await waitFor('completion', () => !rooms.partialState.isPartialRoom(roomId));
          const { eventId, field } = c.tampered?.(scripted) ?? { eventId: '', field: '' };
          const stored = rooms.eventStore.getEvent(eventId);
          expect(stored, 'the tampered event is stored (redacted)').toBeDefined();
          expect(stored?.content[field]).toBeUndefined();
        } else {
          await waitFor('a failed round', () => resync.progress(roomId)?.phase === 'backoff');
          // Nothing fully stated on the bad answer.
          const progress = resync.progress(roomId);
          expect(progress?.eventsDone).toBe(0);
          expect(progress?.resets).toBe(0);
          expect(progress?.failedRounds).toBe(1);
          expect(rooms.partialState.isPartialRoom(roomId)).toBe(true);
          expect(rooms.partialState.isPartialEvent(joinId)).toBe(true);
          expect(rooms.eventStore.isRejected(joinId)).toBe(false);
          // Refused with a reason that names the bad resident.
          const refusals = linesAbout(s, logMark).filter(
            (l) => l.message === 'resync request failed',
          );
          expect(refusals.length).toBeGreaterThanOrEqual(1);
          expect(String(refusals[0]?.fields['error'])).toContain(bad.serverName);
          await waitFor('completion', () => !rooms.partialState.isPartialRoom(roomId));
        }
        expect(bad.requestCount(c.endpoint)).toBeGreaterThan(badRequestsBefore);
        expect(rooms.eventStore.isRejected(joinId)).toBe(false);
        expectFinishedLikeGood(s, scripted);
      } finally {
        bad.clearFaults();
        good.clearFaults();
      }
    });
  }
}
