/**
 * The admin GUI's DAG view in a real browser (issue 5 §6): Debian's headless Chromium, driven by
 * playwright-core, opens the GUI served by an in-process Skein server and imports a 20,000-event
 * room as an offline NDJSON file.
 *   - time to first paint: from the file input's change event to the canvas's first paint of the
 *     room (read, parse, lane layout, React render, Canvas 2D paint), target < 1 s;
 *   - frames per second while panning (mouse drag) and zooming (wheel) through real input events
 *     for a few seconds, counted with requestAnimationFrame, target ≥ 50; plus repaints per
 *     second and the paint time the canvas records (data-paint-ms).
 * Headless Chromium here runs with --disable-gpu: Canvas 2D is software-rendered, so these are a
 * floor for a desktop with a GPU, not its figures.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { adminTokenPath } from '../../src-core/admin-api/admin-token';
import { buildAdminUi } from '../../src-core/testing/build-admin-ui';
import { launchChromium } from '../../src-core/testing/chromium';
import { startTestHomeserver } from '../../src-core/testing/test-homeserver';
import type { BenchmarkCase, BenchmarkSuite, CaseContext, Measurement } from '../benchmark-suite';
import { syntheticDagNdjson } from '../fixtures/dag-ndjson';

const EVENTS = 20_000;
const FIRST_PAINT_TARGET_MS = 1_000;
const FPS_TARGET = 50;
const INTERACTION_MS = 3_000;

/** Page-side: arms a timer that stops at the first paint showing `events` events (a string: the
 * tools project has no DOM types, and this runs in the page anyway). */
const ARM_FIRST_PAINT = (events: number) => `(() => {
  window.__bench = { t0: null, t1: null };
  document.querySelector('#import-ndjson').addEventListener('change', () => {
    window.__bench.t0 = performance.now();
  }, { capture: true, once: true });
  const observer = new MutationObserver(() => {
    const b = window.__bench;
    if (b.t0 === null || b.t1 !== null) return;
    const canvas = document.querySelector('canvas.dag-canvas');
    const count = document.querySelector('output[aria-label="Events in the DAG"]');
    if (canvas && Number(canvas.dataset.paints ?? '0') > 0 && count && count.textContent === '${events}') {
      b.t1 = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-paints'] });
})()`;

/** Page-side: counts animation frames and canvas paints until stopped. */
const START_FRAME_COUNTER = `(() => {
  const canvas = document.querySelector('canvas.dag-canvas');
  const state = { frames: [], paintMs: [], running: true, paints0: Number(canvas.dataset.paints ?? '0') };
  window.__frames = state;
  let lastPaints = state.paints0;
  const tick = (now) => {
    if (!state.running) return;
    state.frames.push(now);
    const paints = Number(canvas.dataset.paints ?? '0');
    if (paints !== lastPaints) { lastPaints = paints; state.paintMs.push(Number(canvas.dataset.paintMs)); }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

const STOP_FRAME_COUNTER = `(() => {
  const s = window.__frames;
  s.running = false;
  const canvas = document.querySelector('canvas.dag-canvas');
  return { frames: s.frames, paintMs: s.paintMs, paints: Number(canvas.dataset.paints ?? '0') - s.paints0 };
})()`;

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Drags and wheels over the canvas for `ms` with real (CDP) input events. */
async function panAndZoom(page: Page, ms: number): Promise<void> {
  const box = await page.locator('canvas.dag-canvas').boundingBox();
  if (!box) throw new Error('the DAG canvas is not visible');
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const deadline = Date.now() + ms;
  let round = 0;
  while (Date.now() < deadline) {
    // Pan: a drag in a small circle (stays over the graph).
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) {
      const angle = (i / 20) * 2 * Math.PI;
      await page.mouse.move(cx + 80 * Math.cos(angle), cy + 80 * Math.sin(angle));
    }
    await page.mouse.up();
    // Zoom: in, then back out.
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, round % 2 === 0 ? -60 : 60);
    round++;
  }
}

const dagCase: BenchmarkCase = {
  name: `DAG view, ${EVENTS.toLocaleString('en-US')} events (offline NDJSON import)`,
  async run(ctx: CaseContext): Promise<readonly Measurement[]> {
    buildAdminUi();
    const ndjson = syntheticDagNdjson(EVENTS);
    const server = await startTestHomeserver();
    const browser = await launchChromium();
    try {
      const token = readFileSync(adminTokenPath(server.config.dataDir), 'utf8').trim();
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        // The page's CSP forbids eval; the benchmark's own probes are strings (see above).
        bypassCSP: true,
        viewport: { width: 1600, height: 1000 },
      });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/_skein/admin/?token=${encodeURIComponent(token)}`);
      await page.locator('#import-ndjson').waitFor({ state: 'attached', timeout: 15_000 });
      await page.evaluate(ARM_FIRST_PAINT(EVENTS));
      await page.locator('#import-ndjson').setInputFiles({
        name: 'bench-20k.ndjson',
        mimeType: 'application/x-ndjson',
        buffer: Buffer.from(ndjson, 'utf8'),
      });
      await page.waitForFunction('window.__bench && window.__bench.t1 !== null', undefined, {
        timeout: 30_000,
      });
      const firstPaintMs = (await page.evaluate('window.__bench.t1 - window.__bench.t0')) as number;
      ctx.sampleRss();

      await page.evaluate(START_FRAME_COUNTER);
      await panAndZoom(page, INTERACTION_MS);
      const result = (await page.evaluate(STOP_FRAME_COUNTER)) as {
        frames: number[];
        paintMs: number[];
        paints: number;
      };
      ctx.sampleRss();
      // The worst case for culling: fitted, every one of the 20,000 events is on screen.
      const paintsBefore = Number(
        await page.locator('canvas.dag-canvas').getAttribute('data-paints'),
      );
      await page.getByRole('button', { name: 'Fit', exact: true }).click();
      await page.waitForFunction(
        `Number(document.querySelector('canvas.dag-canvas').dataset.paints) > ${paintsBefore}`,
      );
      const fittedPaintMs = Number(
        await page.locator('canvas.dag-canvas').getAttribute('data-paint-ms'),
      );
      const first = result.frames[0] ?? 0;
      const last = result.frames[result.frames.length - 1] ?? first;
      const seconds = Math.max(0.001, (last - first) / 1000);
      const intervals = result.frames.slice(1).map((t, i) => t - (result.frames[i] as number));
      return [
        {
          metric: 'time to first paint',
          value: firstPaintMs,
          unit: 'ms',
          target: FIRST_PAINT_TARGET_MS,
          lowerIsBetter: true,
        },
        {
          metric: 'frames/s panning + zooming',
          value: (result.frames.length - 1) / seconds,
          unit: 'fps',
          target: FPS_TARGET,
          lowerIsBetter: false,
        },
        {
          metric: 'frame interval p95',
          value: percentile(intervals, 95),
          unit: 'ms',
          lowerIsBetter: true,
        },
        {
          metric: 'repaints/s',
          value: result.paints / seconds,
          unit: 'paints/s',
          lowerIsBetter: false,
        },
        {
          metric: 'paint median',
          value: percentile(result.paintMs, 50),
          unit: 'ms',
          lowerIsBetter: true,
        },
        {
          metric: 'paint p95',
          value: percentile(result.paintMs, 95),
          unit: 'ms',
          lowerIsBetter: true,
        },
        {
          metric: 'paint, whole graph fitted',
          value: fittedPaintMs,
          unit: 'ms',
          lowerIsBetter: true,
        },
      ];
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};

export const browserSuite: BenchmarkSuite = {
  name: 'browser',
  description:
    'Admin GUI DAG view in headless Chromium (software-rendered, --disable-gpu): first paint and pan/zoom frame rate with 20,000 events',
  cases: [dagCase],
};
