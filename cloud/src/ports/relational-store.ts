import type { Kysely } from 'kysely';
import type { LinliDatabase } from '../db/schema.js';

/** Why a write was refused by the database, in terms a service can turn into a 409. */
export type ConstraintViolation = 'unique' | 'foreign_key';

/**
 * Port for the relational store (registry, users, credentials; governance later). Kysely is the
 * seam: repositories build dialect-neutral queries against `db`; adapters choose SQLite
 * (embedded default) or PostgreSQL and have run the migrations before handing the store out.
 */
export interface RelationalStore {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<LinliDatabase>;
  /** Maps a driver error to the constraint it violated, if that is what it was. */
  constraintViolation(err: unknown): ConstraintViolation | undefined;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
