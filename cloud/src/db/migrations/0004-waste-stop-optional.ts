import type { Kysely } from 'kysely';

/**
 * A planned bin stop says whether it is optional (a top-up the round may leave: not forecast to
 * need this round), so the crew may skip it when the truck is full (skip reason `truck_full`)
 * instead of driving an extra round trip to the station. 0/1 rather than a boolean type: the same
 * portable DDL on SQLite and PostgreSQL. Stops planned before this migration count as mandatory.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('waste_stops')
    .addColumn('optional', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('waste_stops').dropColumn('optional').execute();
}
