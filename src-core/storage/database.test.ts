import BetterSqlite3 from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { Database, MIGRATIONS_DIRECTORY } from './database';
import { splitSqlStatements } from './migration-provider';

const opened: Database[] = [];
async function openTemp(options?: {
  migrationsDirectory?: string;
}): Promise<{ db: Database; file: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-db-'));
  const file = path.join(dir, 'skein.sqlite');
  const db = await Database.open(file, silentLogger, options);
  opened.push(db);
  return { db, file };
}

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function columns(db: Database, table: string): string[] {
  return (db.sqlite.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map(
    (c) => c.name,
  );
}

describe('Database', () => {
  it('creates the seed partial-state tables with the design notes’ names and columns', async () => {
    const { db } = await openTemp();
    expect(columns(db, 'partial_state_rooms')).toEqual([
      'room_id',
      'device_lists_stream_id',
      'join_event_id',
      'joined_via',
    ]);
    expect(columns(db, 'partial_state_rooms_servers')).toEqual(['room_id', 'server_name']);
    expect(columns(db, 'partial_state_events')).toEqual(['room_id', 'event_id']);
  });

  it('runs in WAL mode and lets an external read-only reader in while open', async () => {
    const { db, file } = await openTemp();
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    db.run(
      db.kysely.insertInto('rooms').values({
        room_id: '!a:x',
        room_version: '12',
        creator: null,
        is_public: 0,
        created_ts: 1,
      }),
    );
    const reader = new BetterSqlite3(file, { readonly: true });
    try {
      expect(reader.prepare('SELECT room_id FROM rooms').all()).toEqual([{ room_id: '!a:x' }]);
    } finally {
      reader.close();
    }
  });

  it('is idempotent across restarts', async () => {
    const { db, file } = await openTemp();
    db.close();
    const again = await Database.open(file, silentLogger);
    opened.push(again);
    const applied = again.sqlite.prepare('SELECT name FROM kysely_migration').all();
    // Each migration file applied exactly once (the list grows as subsystems add tables).
    const files = readdirSync(MIGRATIONS_DIRECTORY)
      .filter((file) => file.endsWith('.sql'))
      .sort()
      .map((file) => ({ name: file.replace(/\.sql$/, '') }));
    expect(files[0]).toEqual({ name: '0001_initial' });
    expect(applied).toEqual(files);
  });

  it('rolls a failing migration back whole: no half-created schema', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-migrations-'));
    for (const file of readdirSync(MIGRATIONS_DIRECTORY)) {
      copyFileSync(path.join(MIGRATIONS_DIRECTORY, file), path.join(dir, file));
    }
    writeFileSync(
      path.join(dir, '9999_broken.sql'),
      'CREATE TABLE half_done (x INTEGER);\nCREATE TABLE rooms (y INTEGER);\n',
    );
    await expect(openTemp({ migrationsDirectory: dir })).rejects.toThrow(/migrating .* failed/);
    const { db } = await openTemp();
    expect(columns(db, 'half_done')).toEqual([]);
  });

  it('refuses asynchronous transaction work', async () => {
    const { db } = await openTemp();
    expect(() => db.transaction(() => Promise.resolve(1))).toThrow(/synchronous/);
  });
});

describe('splitSqlStatements', () => {
  it('splits on line-final semicolons and drops comment lines', () => {
    expect(
      splitSqlStatements('-- c;\nCREATE TABLE a (x);\nCREATE TABLE b (\n  y TEXT\n);\n'),
    ).toEqual(['CREATE TABLE a (x)', 'CREATE TABLE b (\n  y TEXT\n)']);
  });
});
