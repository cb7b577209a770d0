import type { Kysely } from 'kysely';

/**
 * A planned bin stop keeps the litres the plan expects there (its forecast at the planned arrival),
 * so the crew app can keep room on a trip for the mandatory stops still ahead (truck-room.ts): an
 * optional stop that would use it up is skipped (truck_full) rather than force an unloading
 * mid-trip. Null for other stops and for stops planned before this migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('waste_stops').addColumn('planned_liters', 'double precision').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('waste_stops').dropColumn('planned_liters').execute();
}
