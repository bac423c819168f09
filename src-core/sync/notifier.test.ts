import { describe, expect, it } from 'vitest';
import { SyncNotifier } from './notifier';
import { matchesPattern, parseSyncFilter, timelineLimit } from './sync-filter';
import { formatSyncToken, parseSyncToken } from './sync-token';

describe('SyncNotifier', () => {
  it('wakes waiters of the notified user or room only, and times out otherwise', async () => {
    const recorded: string[] = [];
    const notifier = new SyncNotifier((roomId) => recorded.push(roomId));
    const byRoom = notifier.wait('@a:hs', ['!r:hs'], 5_000);
    const byUser = notifier.wait('@b:hs', [], 5_000);
    const untouched = notifier.wait('@c:hs', ['!other:hs'], 30);
    expect(notifier.waiting).toBe(3);
    notifier.notifyRoomUnPartialStated('!r:hs');
    notifier.notify({ userIds: ['@b:hs'] });
    expect(await byRoom).toBe('notified');
    expect(await byUser).toBe('notified');
    expect(await untouched).toBe('timeout');
    expect(recorded).toEqual(['!r:hs']);
    expect(notifier.waiting).toBe(0);
  });

  it('resolves every waiter on stop and refuses new waits; honours abort signals', async () => {
    const notifier = new SyncNotifier(() => undefined);
    const abort = new AbortController();
    const aborted = notifier.wait('@a:hs', [], 5_000, abort.signal);
    abort.abort();
    expect(await aborted).toBe('aborted');
    const pending = notifier.wait('@a:hs', ['!r:hs'], 60_000);
    notifier.stop();
    expect(await pending).toBe('stopped');
    expect(await notifier.wait('@a:hs', [], 60_000)).toBe('stopped');
  });
});

describe('sync tokens and filters', () => {
  it('round-trips tokens and refuses anything else', () => {
    expect(parseSyncToken(formatSyncToken({ stream: 42, typing: 7 }))).toEqual({
      stream: 42,
      typing: 7,
    });
    for (const bad of ['', 's', 's1', 's1_', 'x1_2', 's-1_2', 's1_2_3', `s${'9'.repeat(16)}_1`]) {
      expect(() => parseSyncToken(bad)).toThrow(/Invalid since token/);
    }
  });

  it('matches type wildcards and caps the timeline limit', () => {
    expect(matchesPattern('m.room.*', 'm.room.message')).toBe(true);
    expect(matchesPattern('m.room.*', 'm.reaction')).toBe(false);
    expect(matchesPattern('m.room.message', 'm.room.messages')).toBe(false);
    expect(matchesPattern('a.b', 'aXb')).toBe(false);
    expect(timelineLimit(parseSyncFilter({}))).toBe(10);
    expect(timelineLimit(parseSyncFilter({ room: { timeline: { limit: 5000 } } }))).toBe(100);
  });
});
