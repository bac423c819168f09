/**
 * What each load-run member's /sync responses covered, kept so that a lost delivery can be
 * explained: did the member's windows (since, next_batch] ever reach the event's position?
 */

/** One /sync response as a member saw it: the window it covered and what it returned. */
export interface SyncWindow {
  /** Stream part of `since` and of `next_batch`. */
  since: number;
  next: number;
  /** Timeline events returned, all rooms together; whether any room's timeline was limited. */
  events: number;
  limited: boolean;
}

/**
 * Every sync window of one member, four numbers each (since, next, events, limited 0/1): some
 * 100,000 responses in a 60 s run, kept flat so the bookkeeping stays out of the RSS figure.
 */
export class SyncWindowLog {
  private readonly flat: number[] = [];

  add(window: SyncWindow): void {
    this.flat.push(window.since, window.next, window.events, window.limited ? 1 : 0);
  }

  /** The window covering `position`, with one on each side; the last three if none covers it. */
  around(position: number | undefined): SyncWindow[] {
    const count = this.flat.length / 4;
    let index = -1;
    for (let i = 0; position !== undefined && i < count; i++) {
      if ((this.flat[i * 4 + 1] as number) >= position) {
        index = i;
        break;
      }
    }
    const [from, to] = index < 0 ? [count - 3, count] : [index - 1, index + 2];
    const windows: SyncWindow[] = [];
    for (let i = Math.max(0, from); i < Math.min(count, to); i++) {
      windows.push({
        since: this.flat[i * 4] as number,
        next: this.flat[i * 4 + 1] as number,
        events: this.flat[i * 4 + 2] as number,
        limited: this.flat[i * 4 + 3] === 1,
      });
    }
    return windows;
  }
}
