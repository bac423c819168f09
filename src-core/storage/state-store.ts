/**
 * Room state snapshots ("state groups") stored as deltas.
 *
 * Every group is either a root snapshot (no prev_group, all entries) or a delta over its
 * prev_group. A naive chain (one small delta per state event) makes reads walk thousands of
 * groups; periodic full snapshots make a 100k-member room store 100k rows every few events.
 * Instead, a new delta is merged into its parent's delta while it is at least half the parent's
 * size (the same idea as Conduit's state compressor): deltas grow geometrically towards the
 * root, chains stay O(log n) long and each entry is rewritten O(log n) times.
 *
 * Materialised maps are cached (bounded by total entries); single-key lookups on uncached
 * groups read only that key along the chain. A new group is remembered as an overlay (parent +
 * changes) and only materialised when read: copying the parent's map eagerly made every state
 * event cost O(room size), i.e. O(n²) for a room gaining n members in a row.
 */
import type { StateKey, StateMap } from '../rules/events/state-map';
import { parseStateKey, stateKey } from '../rules/events/state-map';
import { LruCache } from '../util/lru-cache';
import type { Database } from './database';

/** `null` removes the key relative to the parent group. */
export type StateDelta = ReadonlyMap<StateKey, string | null>;

/** Overlay entries kept at most: each is one group's changes over its parent. */
const MAX_OVERLAY_ENTRIES = 200_000;

interface Overlay {
  parent: number;
  changes: StateDelta;
}

interface GroupInfo {
  prevGroup: number | null;
  deltaSize: number;
}

export class StateStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateStoreError';
  }
}

export class StateStore {
  private readonly maps: LruCache<number, StateMap>;
  private readonly infos = new LruCache<number, GroupInfo>(100_000);
  private readonly overlays = new LruCache<number, Overlay>(
    MAX_OVERLAY_ENTRIES,
    (overlay) => overlay.changes.size + 1,
  );

  constructor(
    private readonly db: Database,
    options: { maxCachedEntries?: number } = {},
  ) {
    this.maps = new LruCache(options.maxCachedEntries ?? 1_000_000, (map) => map.size + 1);
  }

  private info(group: number): GroupInfo {
    let info = this.infos.get(group);
    if (!info) {
      const row = this.db.get(
        this.db.kysely
          .selectFrom('state_groups')
          .select(['prev_group', 'delta_size'])
          .where('state_group', '=', group),
      );
      if (!row) throw new StateStoreError(`state group ${group} does not exist`);
      info = { prevGroup: row.prev_group, deltaSize: row.delta_size };
      this.infos.set(group, info);
    }
    return info;
  }

  /** The group and its ancestors, nearest first, ending at the root snapshot. */
  private chain(group: number): number[] {
    const chain: number[] = [];
    for (let g: number | null = group; g !== null; g = this.info(g).prevGroup) chain.push(g);
    return chain;
  }

  private deltaOf(group: number): Map<StateKey, string | null> {
    const rows = this.db.all(
      this.db.kysely
        .selectFrom('state_group_entries')
        .select(['type', 'state_key', 'event_id'])
        .where('state_group', '=', group),
    );
    const delta = new Map<StateKey, string | null>();
    for (const row of rows) delta.set(stateKey(row.type, row.state_key), row.event_id);
    return delta;
  }

  /** The full state of a group. The returned map is shared: never mutate it. */
  getState(group: number): StateMap {
    const cached = this.maps.get(group);
    if (cached) return cached;
    const fromOverlays = this.stateFromOverlays(group);
    if (fromOverlays) {
      this.maps.set(group, fromOverlays);
      return fromOverlays;
    }
    // Start from the nearest cached ancestor, if any, else from the root snapshot.
    const chain = this.chain(group);
    let start = chain.length;
    let state = new Map<StateKey, string>();
    for (let i = 0; i < chain.length; i++) {
      const ancestor = this.maps.get(chain[i] as number);
      if (ancestor) {
        state = new Map(ancestor);
        start = i;
        break;
      }
    }
    for (let i = start - 1; i >= 0; i--) {
      for (const [key, eventId] of this.deltaOf(chain[i] as number)) {
        if (eventId === null) state.delete(key);
        else state.set(key, eventId);
      }
    }
    this.maps.set(group, state);
    return state;
  }

  /** A cached ancestor's map plus the overlays above it, or undefined if the overlays stop short. */
  private stateFromOverlays(group: number): Map<StateKey, string> | undefined {
    const pending: StateDelta[] = [];
    let g = group;
    let base = this.maps.get(g);
    while (!base) {
      const overlay = this.overlays.get(g);
      if (!overlay) return undefined;
      pending.push(overlay.changes);
      g = overlay.parent;
      base = this.maps.get(g);
    }
    const state = new Map(base);
    for (let i = pending.length - 1; i >= 0; i--) {
      for (const [key, eventId] of pending[i] as StateDelta) {
        if (eventId === null) state.delete(key);
        else state.set(key, eventId);
      }
    }
    return state;
  }

  /** One entry of a group's state, without materialising the whole map. */
  getStateEntry(group: number, type: string, key: string): string | undefined {
    const wanted = stateKey(type, key);
    // Overlays and cached maps first: the newest groups of a busy room are usually there.
    for (let g: number | undefined = group; g !== undefined;) {
      const cached = this.maps.get(g);
      if (cached) return cached.get(wanted);
      const overlay = this.overlays.get(g);
      if (!overlay) break;
      if (overlay.changes.has(wanted)) return overlay.changes.get(wanted) ?? undefined;
      g = overlay.parent;
    }
    const chain = this.chain(group);
    const rows = this.db.all(
      this.db.kysely
        .selectFrom('state_group_entries')
        .select(['state_group', 'event_id'])
        .where('state_group', 'in', chain)
        .where('type', '=', type)
        .where('state_key', '=', key),
    );
    if (rows.length === 0) return undefined;
    const byGroup = new Map(rows.map((row) => [row.state_group, row.event_id]));
    for (const g of chain) {
      if (byGroup.has(g)) return byGroup.get(g) ?? undefined;
    }
    return undefined;
  }

  /** All entries of one event type (e.g. every m.room.member), as state_key → event ID. */
  getStateOfType(group: number, type: string): Map<string, string> {
    const result = new Map<string, string>();
    for (const [key, eventId] of this.getState(group)) {
      const parsed = parseStateKey(key);
      if (parsed.type === type) result.set(parsed.stateKey, eventId);
    }
    return result;
  }

  /**
   * Stores a new group: `parent` plus `changes` (or a root snapshot of `changes` when there is no
   * parent). Must run inside the caller's transaction so the group commits with its event.
   */
  createGroup(roomId: string, parent: number | null, changes: StateDelta): number {
    let delta = new Map(changes);
    let prev = parent;
    if (prev === null) {
      // A root snapshot holds only present entries.
      for (const [key, eventId] of delta) if (eventId === null) delta.delete(key);
    }
    while (prev !== null) {
      const info = this.info(prev);
      if (info.prevGroup === null || delta.size * 2 < info.deltaSize) break;
      const merged = this.deltaOf(prev);
      for (const [key, eventId] of delta) merged.set(key, eventId);
      delta = merged;
      prev = info.prevGroup;
    }
    const { lastInsertRowid } = this.db.run(
      this.db.kysely
        .insertInto('state_groups')
        .values({ room_id: roomId, prev_group: prev, delta_size: delta.size }),
    );
    const group = Number(lastInsertRowid);
    const insert = this.db.statement(
      'INSERT INTO state_group_entries (state_group, type, state_key, event_id) VALUES (?, ?, ?, ?)',
    );
    for (const [key, eventId] of delta) {
      const { type, stateKey: skey } = parseStateKey(key);
      insert.run(group, type, skey, eventId);
    }
    this.infos.set(group, { prevGroup: prev, deltaSize: delta.size });
    // Remember the group as its parent plus `changes`: the next read (a busy room's next event)
    // materialises it from the parent's cached map without touching the database.
    if (parent !== null) this.overlays.set(group, { parent, changes: new Map(changes) });
    else this.maps.set(group, delta as Map<StateKey, string>);
    return group;
  }

  /** Stores a group holding exactly `state`, as a delta over `parent` when one is given. */
  createGroupForState(roomId: string, state: StateMap, parent: number | null): number {
    if (parent === null) return this.createGroup(roomId, null, state);
    return this.createGroup(roomId, parent, diffStates(this.getState(parent), state));
  }

  /** Forgets cached maps, e.g. after a rolled-back transaction created groups that never existed. */
  clearCache(): void {
    this.maps.clear();
    this.infos.clear();
    this.overlays.clear();
  }
}

/** The delta that turns `from` into `to`. */
export function diffStates(from: StateMap, to: StateMap): Map<StateKey, string | null> {
  const delta = new Map<StateKey, string | null>();
  for (const [key, eventId] of to) if (from.get(key) !== eventId) delta.set(key, eventId);
  for (const key of from.keys()) if (!to.has(key)) delta.set(key, null);
  return delta;
}
