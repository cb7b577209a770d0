import type { Kysely } from 'kysely';

/**
 * A bin may name the collection point it stands at (installers know it; the planner otherwise
 * guesses points from coordinates): its containers are emptied together, so a due one brings the
 * others along. Null: not given.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('bins').addColumn('point_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('bins').dropColumn('point_id').execute();
}
