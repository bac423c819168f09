/** The pure parts of the shell: the app protocol's file mapping, window state, menu, pause-all. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AdminApi, ResyncProgress, RoomSummary } from '../src-core/admin-api/admin-api-types';
import { buildMenuTemplate, SKEIN_MENU_LABELS } from './app-menu';
import type { SkeinMenuActions } from './app-menu';
import { APP_CONTENT_SECURITY_POLICY, isAppUrl, resolveAppAsset } from './app-protocol';
import { pauseAllResyncs } from './pause-all-resyncs';
import { fitToDisplays, parseWindowState } from './window-state';

describe('skein://app/ → renderer/dist', () => {
  const dist = path.resolve('/app/renderer/dist');
  it('maps the build’s absolute asset URLs and the page’s routes', () => {
    expect(resolveAppAsset(dist, 'skein://app/_skein/admin/')).toBe(path.join(dist, 'index.html'));
    expect(resolveAppAsset(dist, 'skein://app/_skein/admin/assets/index-a1.js')).toBe(
      path.join(dist, 'assets', 'index-a1.js'),
    );
    expect(resolveAppAsset(dist, 'skein://app/_skein/admin/rooms/abc')).toBe(
      path.join(dist, 'index.html'),
    );
  });

  it('refuses anything outside the build or another origin', () => {
    expect(resolveAppAsset(dist, 'skein://app/_skein/admin/..%2F..%2Fpackage.json')).toBeNull();
    expect(resolveAppAsset(dist, 'skein://app/_skein/admin/%2e%2e/secret.txt')).toBeNull();
    expect(resolveAppAsset(dist, 'skein://app/etc/passwd')).toBeNull();
    expect(resolveAppAsset(dist, 'skein://other/_skein/admin/')).toBeNull();
    expect(resolveAppAsset(dist, 'file:///_skein/admin/index.html')).toBeNull();
    expect(isAppUrl('skein://app/_skein/admin/')).toBe(true);
    expect(isAppUrl('https://app/_skein/admin/')).toBe(false);
  });

  it('serves a CSP with no inline script, no eval and no remote origins', () => {
    expect(APP_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(APP_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(APP_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/);
  });
});

describe('window state', () => {
  it('keeps sane values and drops the rest', () => {
    expect(parseWindowState({ width: 100, height: 'x', x: 5, y: 6, maximized: true })).toEqual({
      width: 640,
      height: 900,
      x: 5,
      y: 6,
      maximized: true,
    });
    expect(parseWindowState(null)).toEqual({ width: 1400, height: 900, maximized: false });
  });

  it('forgets a position that is on no display any more', () => {
    const laptop = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    const state = { width: 1200, height: 800, x: 2500, y: 100, maximized: false };
    expect(fitToDisplays(state, laptop)).toEqual({ width: 1200, height: 800, maximized: false });
    expect(fitToDisplays({ ...state, x: 100 }, laptop)).toEqual({ ...state, x: 100 });
    const twoScreens = [...laptop, { x: 1920, y: 0, width: 2560, height: 1440 }];
    expect(fitToDisplays(state, twoScreens)).toEqual(state);
  });
});

describe('application menu', () => {
  const calls: string[] = [];
  const actions: SkeinMenuActions = {
    joinRoom: () => calls.push('joinRoom'),
    pauseAllResyncs: () => calls.push('pauseAllResyncs'),
    openDataFolder: () => calls.push('openDataFolder'),
    showLogs: () => calls.push('showLogs'),
    openSettings: () => calls.push('openSettings'),
  };
  type Item = { label?: string; role?: string; click?: () => void; submenu?: unknown };
  const flatten = (items: Item[]): Item[] =>
    items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);

  it.each(['linux', 'win32', 'darwin'] as const)(
    'has the usual roles and every Skein action on %s',
    (platform) => {
      const items = flatten(buildMenuTemplate(actions, platform) as Item[]);
      const roles = items.map((i) => i.role).filter(Boolean);
      expect(roles).toEqual(expect.arrayContaining(['editMenu', 'viewMenu', 'windowMenu']));
      expect(roles).toContain(platform === 'darwin' ? 'appMenu' : 'quit');
      calls.length = 0;
      for (const label of Object.values(SKEIN_MENU_LABELS)) {
        const matching = items.filter((i) => i.label === label);
        expect(matching, label).toHaveLength(1);
        matching[0]?.click?.();
      }
      expect(calls).toEqual([
        'joinRoom',
        'pauseAllResyncs',
        'openDataFolder',
        'showLogs',
        'openSettings',
      ]);
    },
  );
});

describe('pause all resyncs', () => {
  it('pauses the running and backing-off resyncs only', async () => {
    const room = (roomId: string, phase: ResyncProgress['phase'] | null) =>
      ({ roomId, resync: phase === null ? null : { phase } }) as RoomSummary;
    const paused: string[] = [];
    const admin = {
      listRooms: async () => [
        room('!a', 'running'),
        room('!b', 'paused'),
        room('!c', 'backoff'),
        room('!d', 'complete'),
        room('!e', null),
        room('!f', 'left'),
      ],
      pauseResync: async (roomId: string) => {
        paused.push(roomId);
        return { roomId, phase: 'paused' } as ResyncProgress;
      },
    } as unknown as AdminApi;
    expect((await pauseAllResyncs(admin)).map((p) => p.roomId)).toEqual(['!a', '!c']);
    expect(paused).toEqual(['!a', '!c']);
  });
});
