import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from '../../db/migrations/index.js';
import type { LinliDatabase } from '../../db/schema.js';
import type { ConstraintViolation, RelationalStore } from '../../ports/relational-store.js';

export type RelationalStoreOptions =
  /** PostgreSQL, e.g. postgres://user:pass@db:5432/linli */
  | { url: string; poolSize?: number }
  /** Embedded SQLite file (`:memory:` for throwaway stores). */
  | { sqlitePath: string };

const PG_INT8_OID = 20;

function sqliteDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  // SQLite ignores REFERENCES unless asked to enforce them, per connection.
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return database;
}

function postgresPool(url: string, poolSize: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Timestamps are bigint (ms); pg returns int8 as a string by default. Parse it for this pool
    // only (not pg.types globally): values stay below 2^53, so Number is exact.
    types: {
      // pg types getTypeParser as an overload set; one implementation cannot name every
      // overload, so the cast is to that declared type (not any).
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client whose connection drops (server restart, failover) is discarded by the pool and
  // the next query reconnects; without a listener Node would treat the event as a crash.
  pool.on('error', () => undefined);
  return pool;
}

function sqliteViolation(err: unknown): ConstraintViolation | undefined {
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key';
  // ON DELETE RESTRICT is implemented as a trigger in SQLite and reports under that code.
  if (code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/.test((err as Error).message))
    return 'foreign_key';
  return undefined;
}

function postgresViolation(err: unknown): ConstraintViolation | undefined {
  const code = (err as { code?: unknown }).code;
  if (code === '23505') return 'unique';
  if (code === '23503') return 'foreign_key';
  return undefined;
}

/** Opens the store and brings its schema up to date (migrations run at every start). */
export async function openRelationalStore(options: RelationalStoreOptions): Promise<RelationalStore> {
  const isPostgres = 'url' in options;
  const db = new Kysely<LinliDatabase>({
    dialect: isPostgres
      ? new PostgresDialect({ pool: postgresPool(options.url, options.poolSize ?? 10) })
      : new SqliteDialect({ database: sqliteDatabase(options.sqlitePath) }),
  });
  try {
    const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`relational store migration ${failed} failed: ${(error as Error).message}`);
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    dialect: isPostgres ? 'postgres' : 'sqlite',
    db,
    constraintViolation: isPostgres ? postgresViolation : sqliteViolation,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
