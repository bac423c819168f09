/**
 * The desktop app itself, through Playwright's Electron driver: it runs wherever the Electron
 * binary is installed (after a first `npm start`) and is reported as skipped — not passed —
 * where it is not, such as machines without internet access, where `npm ci` cannot fetch it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElectronApplication, Page } from 'playwright-core';
import { _electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src-core/testing/free-port';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The downloaded Electron executable, without `require('electron')` (which would download). */
function electronBinary(): string | null {
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const binary = path.join(dir, 'dist', readFileSync(path.join(dir, 'path.txt'), 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

/**
 * window.skein as far as these tests use it (the e2e project does not compile the renderer).
 * Casts are written inside each `page.evaluate`: its function runs in the page, not here.
 */
interface BridgeSeen {
  bridgeVersion: number;
  serverInfo(): Promise<unknown>;
  getSettings(): Promise<unknown>;
}

describe.skipIf(binary === null)('desktop app (Electron)', () => {
  let app: ElectronApplication;
  let page: Page;
  const userData = mkdtempSync(path.join(tmpdir(), 'skein-desktop-e2e-'));

  beforeAll(async () => {
    // What `npm start` does before launching: the Electron addon for SQLite and the bundles.
    for (const tool of ['tools/ensure-electron.ts', 'tools/build-electron.ts']) {
      const built = spawnSync(process.execPath, ['--import', 'tsx', tool], {
        cwd: root,
        stdio: 'inherit',
      });
      expect(built.status, tool).toBe(0);
    }
    const port = await freePort();
    writeFileSync(path.join(userData, 'skein-settings.json'), JSON.stringify({ port }));
    app = await _electron.launch({
      executablePath: binary as string,
      args: [root],
      env: { ...process.env, SKEIN_DESKTOP_USER_DATA: userData },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('opens the admin GUI from skein://app/ with only window.skein exposed', async () => {
    expect(page.url()).toBe('skein://app/_skein/admin/');
    const exposed = await page.evaluate(() => ({
      version: (window as unknown as { skein?: BridgeSeen }).skein?.bridgeVersion,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(exposed).toEqual({ version: 2, require: 'undefined', process: 'undefined' });
  });

  it('answers admin calls from the embedded core over IPC', async () => {
    const info = await page.evaluate(async () =>
      (window as unknown as { skein?: BridgeSeen }).skein?.serverInfo(),
    );
    expect(info).toMatchObject({ ok: true, value: { version: expect.any(String) } });
    const settings = await page.evaluate(async () =>
      (window as unknown as { skein?: BridgeSeen }).skein?.getSettings(),
    );
    expect(settings).toMatchObject({
      ok: true,
      value: { restartRequired: false, coreError: null },
    });
  });

  it('offers the demo on first run', async () => {
    await expect
      .poll(() => page.getByRole('button', { name: 'Try a demo' }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
  });

  it('quits gracefully: the core stops and closes its database', async () => {
    await app.close();
    const log = readFileSync(path.join(userData, 'logs', 'skein.log'), 'utf8');
    expect(log).toMatch(/"msg":"stopped"/);
  });
});
