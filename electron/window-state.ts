/**
 * The main window's size and position, remembered across runs in a JSON file in userData. A
 * remembered position is used only if the window would still be visible on one of today's
 * displays (a monitor may have been unplugged since), otherwise the OS places it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const WINDOW_STATE_FILE = 'window-state.json';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  width: number;
  height: number;
  /** Absent: let the OS choose. */
  x?: number;
  y?: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1400, height: 900, maximized: false };
const MIN_SIZE = { width: 640, height: 480 };
/** How much of the title bar must be on a display for a remembered position to count. */
const VISIBLE_MARGIN = 64;

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** Parses a saved state, dropping anything unusable rather than failing the start. */
export function parseWindowState(json: unknown): WindowState {
  if (typeof json !== 'object' || json === null) return { ...DEFAULT_WINDOW_STATE };
  const saved = json as Record<string, unknown>;
  const state: WindowState = {
    width: isFiniteNumber(saved['width'])
      ? Math.max(MIN_SIZE.width, Math.round(saved['width']))
      : DEFAULT_WINDOW_STATE.width,
    height: isFiniteNumber(saved['height'])
      ? Math.max(MIN_SIZE.height, Math.round(saved['height']))
      : DEFAULT_WINDOW_STATE.height,
    maximized: saved['maximized'] === true,
  };
  if (isFiniteNumber(saved['x']) && isFiniteNumber(saved['y'])) {
    state.x = Math.round(saved['x']);
    state.y = Math.round(saved['y']);
  }
  return state;
}

/** Keeps the position only if the window's top strip overlaps a display's work area. */
export function fitToDisplays(state: WindowState, workAreas: readonly Rectangle[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const visible = workAreas.some(
    (area) =>
      x + state.width - VISIBLE_MARGIN >= area.x &&
      x + VISIBLE_MARGIN <= area.x + area.width &&
      y >= area.y &&
      y + VISIBLE_MARGIN <= area.y + area.height,
  );
  if (visible) return state;
  return { width: state.width, height: state.height, maximized: state.maximized };
}

export function loadWindowState(dir: string): WindowState {
  try {
    return parseWindowState(JSON.parse(readFileSync(path.join(dir, WINDOW_STATE_FILE), 'utf8')));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

export function saveWindowState(dir: string, state: WindowState): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, WINDOW_STATE_FILE), `${JSON.stringify(state)}\n`);
}
