/**
 * The load run's per-member log of sync windows (bench/load/sync-window-log.ts): the evidence
 * printed for a lost delivery.
 */
import { describe, expect, it } from 'vitest';
import { SyncWindowLog } from '../bench/load/sync-window-log';

function logOf(...windows: [number, number, number, boolean][]): SyncWindowLog {
  const log = new SyncWindowLog();
  for (const [since, next, events, limited] of windows) log.add({ since, next, events, limited });
  return log;
}

describe('SyncWindowLog', () => {
  it('finds the window covering a position, with its neighbours', () => {
    const log = logOf(
      [10, 12, 2, false],
      [12, 15, 3, true],
      [15, 20, 5, false],
      [20, 21, 1, false],
    );
    expect(log.around(14)).toEqual([
      { since: 10, next: 12, events: 2, limited: false },
      { since: 12, next: 15, events: 3, limited: true },
      { since: 15, next: 20, events: 5, limited: false },
    ]);
    expect(log.around(11).map((w) => w.next)).toEqual([12, 15]);
    expect(log.around(21).map((w) => w.next)).toEqual([20, 21]);
  });

  it('answers the last three windows when none reached the position (the member stopped early)', () => {
    const log = logOf([1, 2, 1, false], [2, 3, 1, false], [3, 4, 1, false], [4, 5, 1, false]);
    expect(log.around(9).map((w) => w.next)).toEqual([3, 4, 5]);
    expect(log.around(undefined).map((w) => w.next)).toEqual([3, 4, 5]);
    expect(new SyncWindowLog().around(3)).toEqual([]);
  });
});
