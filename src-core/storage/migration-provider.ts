/**
 * Feeds Kysely's Migrator from the plain `.sql` files in `migrations/`. Kysely's own file
 * provider only loads JS modules, and better-sqlite3 prepares one statement per call, so each
 * file is split into statements here: a statement ends with a semicolon at the end of a line
 * (the files avoid triggers and multi-line string literals so this stays unambiguous).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

export function splitSqlStatements(text: string): string[] {
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly directory: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of readdirSync(this.directory).sort()) {
      if (!MIGRATION_FILE.test(file)) continue;
      const statements = splitSqlStatements(readFileSync(path.join(this.directory, file), 'utf8'));
      migrations[file.replace(/\.sql$/, '')] = {
        up: async (db: Kysely<unknown>) => {
          for (const statement of statements) await sql.raw(statement).execute(db);
        },
      };
    }
    return migrations;
  }
}
