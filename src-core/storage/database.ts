/**
 * The SQLite database: one file under the data directory, WAL mode, schema from `migrations/`.
 *
 * Kysely builds and types every query; better-sqlite3 runs them synchronously. Synchronous
 * execution is deliberate: a transaction is a plain function call with no `await` inside, so no
 * other request can interleave with it and an event is persisted together with its state
 * atomically or not at all.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteAdapter, SqliteDialect } from 'kysely';
import type { Compilable, DialectAdapter } from 'kysely';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logging/logger';
import { callerLabel, faultPoint } from '../util/fault-points';
import { SqlFileMigrationProvider } from './migration-provider';
import type { DatabaseSchema } from './schema';

export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('../../migrations', import.meta.url));

/** SQLite runs DDL inside transactions; Kysely's stock adapter says it does not. */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class SkeinSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

type SqlParameter = string | number | bigint | Buffer | null;

export class DatabaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

export class Database {
  readonly kysely: Kysely<DatabaseSchema>;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  private constructor(
    readonly sqlite: BetterSqlite3.Database,
    readonly path: string,
  ) {
    this.kysely = new Kysely<DatabaseSchema>({
      dialect: new SkeinSqliteDialect({ database: sqlite }),
    });
  }

  /** Opens (creating if needed) and migrates the database file. */
  static async open(
    path: string,
    logger: Logger,
    options: { migrationsDirectory?: string } = {},
  ): Promise<Database> {
    let sqlite: BetterSqlite3.Database;
    try {
      sqlite = new BetterSqlite3(path);
    } catch (cause) {
      throw new DatabaseError(`cannot open database ${path}`, { cause });
    }
    // WAL lets external read-only readers run alongside us; NORMAL sync is durable in WAL mode
    // across process crashes (only an OS crash can lose the last commits).
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const database = new Database(sqlite, path);
    try {
      await database.migrate(logger, options.migrationsDirectory ?? MIGRATIONS_DIRECTORY);
    } catch (error) {
      sqlite.close();
      throw error;
    }
    return database;
  }

  private async migrate(logger: Logger, directory: string): Promise<void> {
    const migrator = new Migrator({
      db: this.kysely,
      provider: new SqlFileMigrationProvider(directory),
    });
    const { error, results } = await migrator.migrateToLatest();
    for (const result of results ?? []) {
      if (result.status === 'Success')
        logger.info('applied migration', { migration: result.migrationName });
    }
    if (error) throw new DatabaseError(`migrating ${this.path} failed`, { cause: error });
  }

  private prepare(query: Compilable): {
    statement: BetterSqlite3.Statement;
    parameters: SqlParameter[];
  } {
    const compiled = query.compile();
    let statement = this.statements.get(compiled.sql);
    if (!statement) {
      statement = this.sqlite.prepare(compiled.sql);
      this.statements.set(compiled.sql, statement);
    }
    return { statement, parameters: compiled.parameters as SqlParameter[] };
  }

  /**
   * A prepared statement for hand-written SQL, cached by its text: preparing costs more than
   * running a small statement, and the hot write paths run the same few statements per event.
   */
  statement(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  all<R>(query: Compilable<R>): R[] {
    const { statement, parameters } = this.prepare(query);
    return statement.all(...parameters) as R[];
  }

  get<R>(query: Compilable<R>): R | undefined {
    const { statement, parameters } = this.prepare(query);
    return statement.get(...parameters) as R | undefined;
  }

  run(query: Compilable): BetterSqlite3.RunResult {
    const { statement, parameters } = this.prepare(query);
    return statement.run(...parameters);
  }

  /**
   * Runs `work` in one transaction (nested calls become savepoints). `work` must be synchronous:
   * passing an async function would commit before its awaits ran, so that is refused.
   */
  transaction<T>(work: () => T): T {
    const outermost = !this.sqlite.inTransaction;
    const wrapped = this.sqlite.transaction(() => {
      const result = work();
      if (result instanceof Promise) {
        throw new DatabaseError('transaction work must be synchronous');
      }
      // Crash-safety tests only (inert unless SKEIN_FAULT_AT is set): die before COMMIT.
      if (outermost) faultPoint('transaction', callerLabel);
      return result;
    });
    return wrapped();
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}
