/**
 * The demo in a real browser, as a person would use it: open the admin GUI with `?token=`,
 * click "Try a demo", see the partial room, watch its DAG fill, pause the resync and see it stop,
 * step exactly one event, resume to the end, and open a state reset in the inspector. Every step
 * is checked against the admin API too, and leaves a screenshot in test-results/e2e/.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  EventSummary,
  ResyncProgress,
  RoomSummary,
  StateReset,
} from '../src-core/admin-api/admin-api-types';
import { DEFAULT_DEMO_OPTIONS } from '../src-core/demo/demo-federation';
import type { AdminServer } from './admin-server';
import { startAdminServer } from './admin-server';
import { launchChromium } from '../src-core/testing/chromium';
import { SCREENSHOT_DIR, StepScreenshots } from './screenshots';

/** J, the three stale-auth events from the test peer, and the resident's chatter. */
const PARTIAL_EVENTS = 1 + 3 + DEFAULT_DEMO_OPTIONS.chatter;

let admin: AdminServer;
let browser: Browser;
let page: Page;
let shots: StepScreenshots;

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The resync panel's progress bar value: events done (what the person sees). */
async function eventsDoneShown(): Promise<number> {
  return page
    .getByRole('progressbar', { name: 'Resync progress', exact: true })
    .evaluate((el) => (el as HTMLProgressElement).value);
}

async function dagEventsShown(): Promise<number> {
  const text = await page.locator('output[aria-label="Events in the DAG"]').textContent();
  return Number(text ?? '0');
}

async function partialEventCount(roomId: string): Promise<number> {
  const { events } = await admin.api<{ events: EventSummary[] }>(
    'GET',
    `/rooms/${encodeURIComponent(roomId)}/events?limit=50000`,
  );
  return events.filter((e) => e.partialState).length;
}

const progressOf = (roomId: string) =>
  admin.api<RoomSummary>('GET', `/rooms/${encodeURIComponent(roomId)}`).then((r) => r.resync);

/** Set when Chromium could not start: the test then fails with it (a skip would hide it). */
let launchError: unknown;

beforeAll(async () => {
  admin = await startAdminServer();
  try {
    browser = await launchChromium();
  } catch (error) {
    launchError = error;
    return;
  }
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1600, height: 1000 },
  });
  page = await context.newPage();
  shots = new StepScreenshots(page, 'demo');
});

afterAll(async () => {
  await browser?.close();
  await admin?.stop();
});

describe('the demo in Chromium', () => {
  it('partial join, DAG, pause, step, resume and state resets', async () => {
    if (launchError !== undefined) throw launchError;
    const timings: Record<string, number> = {};
    await page.goto(admin.guiUrl);
    const tryDemo = page.getByRole('button', { name: 'Try a demo' });
    await tryDemo.waitFor({ state: 'visible', timeout: 15_000 });
    // The token left the address bar.
    expect(page.url()).not.toContain('token=');
    await shots.take('landing');

    // ----- click, and within 30 s the partial room, its DAG and the resync panel show -----
    const clicked = Date.now();
    await tryDemo.click();
    const roomButton = page.getByRole('button', { name: /^Open room Skein demo/ });
    await roomButton.waitFor({ state: 'visible', timeout: 30_000 });
    await expect
      .poll(() => roomButton.locator('.badge-partial').textContent(), { timeout: 30_000 })
      .toBe('Partial');
    await page
      .getByRole('progressbar', { name: 'Resync progress', exact: true })
      .waitFor({ state: 'visible', timeout: 30_000 });
    await until('the DAG to show events', dagEventsShown, (n) => n > 0);
    timings['clickToDagMs'] = Date.now() - clicked;
    expect(timings['clickToDagMs']).toBeLessThan(30_000);
    const rooms = await admin.api<{ rooms: RoomSummary[] }>('GET', '/rooms');
    const room = rooms.rooms.find((r) => r.name?.startsWith('Skein demo'));
    if (!room)
      throw new Error(`no demo room among ${JSON.stringify(rooms.rooms.map((r) => r.name))}`);
    const roomId = room.roomId;
    expect(room.partial).toBe(true);
    expect(room.resync?.phase).toBe('paused');
    expect(room.joinedMembers).toBeGreaterThan(0);
    const canvasBox = await page.getByRole('img', { name: /^Room DAG/ }).boundingBox();
    expect(canvasBox?.width ?? 0).toBeGreaterThan(100);
    expect(canvasBox?.height ?? 0).toBeGreaterThan(100);
    await shots.take('demo-room-partial');

    // ----- the DAG fills as the resident's chatter arrives while partial -----
    const firstCount = await dagEventsShown();
    await until(
      'every partial event to arrive',
      () => progressOf(roomId),
      (p) => (p?.eventsTotal ?? 0) >= PARTIAL_EVENTS,
      60_000,
    );
    const filled = await until(
      'the DAG to show every partial event',
      dagEventsShown,
      (n) => n >= PARTIAL_EVENTS,
    );
    // The chatter arrives over seconds (ten per 100 ms) while the page already shows the room.
    expect(firstCount).toBeLessThan(PARTIAL_EVENTS);
    expect(filled).toBeGreaterThan(firstCount);
    timings['dagEventsAtFirstSight'] = firstCount;
    timings['clickToFilledMs'] = Date.now() - clicked;
    await shots.take('dag-filled');

    // ----- run it slowly, then "Pause resync": progress stops -----
    expect(await eventsDoneShown()).toBe(0);
    await admin.api('POST', `/rooms/${encodeURIComponent(roomId)}/resync/throttle`, {
      events_per_second: 10,
    });
    await page.getByRole('button', { name: 'Resume resync', exact: true }).click();
    await until('the resync to make progress', eventsDoneShown, (n) => n >= 3, 30_000);
    await page.getByRole('button', { name: 'Pause resync', exact: true }).click();
    await until(
      'the resync to pause',
      () => progressOf(roomId),
      (p) => p?.phase === 'paused',
      15_000,
    );
    await page
      .getByRole('button', { name: 'Resume resync', exact: true })
      .and(page.locator(':enabled'))
      .waitFor({ timeout: 15_000 });
    await sleep(300); // an event in flight when we paused finishes
    const pausedAt = await eventsDoneShown();
    const partialAtPause = await partialEventCount(roomId);
    await sleep(1_200);
    expect(await eventsDoneShown()).toBe(pausedAt);
    expect(await partialEventCount(roomId)).toBe(partialAtPause);
    expect((await progressOf(roomId))?.eventsDone).toBe(pausedAt);
    await shots.take('paused');

    // ----- "Step": exactly one more event is fully stated -----
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await until('one step', eventsDoneShown, (n) => n === pausedAt + 1, 15_000);
    await sleep(500);
    expect(await eventsDoneShown()).toBe(pausedAt + 1);
    expect(await partialEventCount(roomId)).toBe(partialAtPause - 1);
    await shots.take('stepped');

    // ----- "Resume resync" to the end -----
    await admin.api('POST', `/rooms/${encodeURIComponent(roomId)}/resync/throttle`, {
      events_per_second: null,
    });
    const resumed = Date.now();
    await page.getByRole('button', { name: 'Resume resync', exact: true }).click();
    const done = await until(
      'the resync to finish',
      () => progressOf(roomId),
      (p: ResyncProgress | null) => p?.phase === 'complete',
      90_000,
    );
    timings['resumeToCompleteMs'] = Date.now() - resumed;
    expect(done?.eventsDone).toBe(done?.eventsTotal);
    await expect
      .poll(() => roomButton.locator('.badge-partial').count(), { timeout: 10_000 })
      .toBe(0);
    // The buttons stay, disabled, after the end.
    for (const name of ['Pause resync', 'Resume resync', 'Step']) {
      expect(await page.getByRole('button', { name, exact: true }).isDisabled()).toBe(true);
    }
    await shots.take('resync-complete');

    // ----- the expected state resets, and one opened in the inspector -----
    const { resets } = await admin.api<{ resets: StateReset[] }>(
      'GET',
      `/rooms/${encodeURIComponent(roomId)}/state_resets`,
    );
    const flips = resets.filter((r) => r.kind === 'verdict_flip');
    expect(flips.filter((r) => r.newVerdict === 'rejected')).toHaveLength(2); // demotion, kick
    expect(flips.filter((r) => r.newVerdict === 'accepted')).toHaveLength(1); // mallory's topic
    expect(resets.some((r) => r.kind === 'current_state_changed')).toBe(true);
    const timeline = page.getByRole('list', { name: 'State resets, newest first' });
    const flipButtons = timeline.getByRole('button', { name: /verdict flipped/ });
    await expect.poll(() => flipButtons.count(), { timeout: 10_000 }).toBe(3);
    expect(await timeline.getByRole('button').count()).toBe(resets.length);
    const rejectedTopic = flips.find((r) => r.newVerdict === 'accepted');
    const target = timeline.getByRole('button', {
      name: `State reset ${rejectedTopic?.resetId}: verdict flipped at ${rejectedTopic?.eventId}`,
    });
    await target.click();
    const inspector = page.getByRole('region', { name: 'Event inspector' });
    await expect
      .poll(() => inspector.getByRole('heading').first().getAttribute('title'), { timeout: 10_000 })
      .toBe(rejectedTopic?.eventId);
    await expect
      .poll(() => inspector.getByLabel('Event JSON').textContent(), { timeout: 10_000 })
      .toContain('mallory was here');
    await shots.take('reset-in-inspector');

    writeFileSync(
      path.join(SCREENSHOT_DIR, 'demo-timings.json'),
      `${JSON.stringify({ ...timings, screenshots: shots.saved }, null, 2)}\n`,
    );
  });
});
