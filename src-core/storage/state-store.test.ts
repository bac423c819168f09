import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { stateKey } from '../rules/events/state-map';
import type { StateKey } from '../rules/events/state-map';
import { Database } from './database';
import { StateStore, diffStates } from './state-store';

let db: Database;
beforeEach(async () => {
  db = await Database.open(
    path.join(mkdtempSync(path.join(tmpdir(), 'skein-state-')), 'db'),
    silentLogger,
  );
});
afterEach(() => db.close());

const member = (n: number): StateKey => stateKey('m.room.member', `@u${n}:x`);

function chainLength(group: number): number {
  let length = 0;
  for (let g: number | null = group; g !== null; length++) {
    const row: { prev_group: number | null } | undefined = db.get(
      db.kysely.selectFrom('state_groups').select('prev_group').where('state_group', '=', g),
    );
    g = row?.prev_group ?? null;
  }
  return length;
}

describe('StateStore', () => {
  it('keeps chains logarithmic and rows near-linear while a room grows one member at a time', () => {
    const store = new StateStore(db, { maxCachedEntries: 0 });
    let group = store.createGroup('!r:x', null, new Map([[stateKey('m.room.create', ''), '$c']]));
    const expected = new Map<StateKey, string>([[stateKey('m.room.create', ''), '$c']]);
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) {
        group = store.createGroup('!r:x', group, new Map([[member(i), `$m${i}`]]));
        expected.set(member(i), `$m${i}`);
      }
    });
    expect(chainLength(group)).toBeLessThanOrEqual(13);
    const rows = db.sqlite.prepare('SELECT count(*) AS n FROM state_group_entries').get() as {
      n: number;
    };
    // Naive snapshots would need ~2 million rows; plain deltas 2,000 but 2,000-long chains.
    expect(rows.n).toBeLessThan(2000 * 13);
    expect(new Map(store.getState(group))).toEqual(expected);
  });

  it('agrees with a plain map model under random changes, cached or not', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            parentIndex: fc.nat(),
            changes: fc.array(fc.tuple(fc.nat(30), fc.option(fc.nat(5), { nil: null })), {
              maxLength: 8,
            }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (steps) => {
          const store = new StateStore(db, { maxCachedEntries: 50 });
          const groups: { id: number; model: Map<StateKey, string> }[] = [];
          for (const step of steps) {
            const parent =
              groups.length === 0 ? undefined : groups[step.parentIndex % groups.length];
            const changes = new Map<StateKey, string | null>(
              step.changes.map(([k, v]) => [member(k), v === null ? null : `$e${k}_${v}`]),
            );
            const model = new Map(parent?.model ?? []);
            for (const [k, v] of changes) {
              if (v === null) model.delete(k);
              else model.set(k, v);
            }
            const id = store.createGroup('!r:x', parent?.id ?? null, changes);
            groups.push({ id, model });
          }
          const fresh = new StateStore(db, { maxCachedEntries: 0 });
          for (const { id, model } of groups) {
            expect(new Map(store.getState(id))).toEqual(model);
            expect(new Map(fresh.getState(id))).toEqual(model);
            for (let k = 0; k <= 30; k += 7) {
              expect(fresh.getStateEntry(id, 'm.room.member', `@u${k}:x`)).toBe(
                model.get(member(k)),
              );
            }
          }
        },
      ),
      { seed: 42, numRuns: 40 },
    );
  });

  it('creates a group for an arbitrary state as a delta over a parent', () => {
    const store = new StateStore(db);
    const a = new Map([
      [member(1), '$a'],
      [member(2), '$b'],
    ]);
    const b = new Map([
      [member(2), '$b2'],
      [member(3), '$c'],
    ]);
    const ga = store.createGroupForState('!r:x', a, null);
    const gb = store.createGroupForState('!r:x', b, ga);
    expect(diffStates(a, b)).toEqual(
      new Map([
        [member(2), '$b2'],
        [member(3), '$c'],
        [member(1), null],
      ]),
    );
    expect(new Map(new StateStore(db).getState(gb))).toEqual(b);
  });

  it('names a missing group in its error', () => {
    expect(() => new StateStore(db).getState(999)).toThrow(/state group 999/);
  });
});
