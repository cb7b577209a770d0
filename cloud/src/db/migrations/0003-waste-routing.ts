import type { Kysely } from 'kysely';

/**
 * Waste pickup rounds: one row per planned round (a local date), and its ordered stops per truck
 * (bins, dump visits, the return to the depot) with their status as the crews report it. Same
 * portable DDL as 0001. Overflow events are not stored: they are read from the bins' fill history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('waste_rounds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('date', 'text', (c) => c.notNull().unique())
    .addColumn('pickup_at', 'bigint', (c) => c.notNull())
    .addColumn('planned_at', 'bigint', (c) => c.notNull())
    .addColumn('baseline_m', 'double precision', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('waste_stops')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('waste_rounds.id').onDelete('cascade'))
    .addColumn('vehicle_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('bin_id', 'text', (c) => c.references('bins.id').onDelete('set null'))
    .addColumn('trip', 'integer', (c) => c.notNull())
    .addColumn('expected_at', 'bigint', (c) => c.notNull())
    .addColumn('forecast_pct', 'double precision')
    .addColumn('leg_m', 'double precision', (c) => c.notNull())
    .addColumn('leg_s', 'double precision', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('measured_pct', 'double precision')
    .addColumn('skip_reason', 'text')
    .addColumn('done_at', 'bigint')
    .addColumn('done_by', 'text')
    .execute();
  await db.schema
    .createIndex('waste_stops_round')
    .on('waste_stops')
    .columns(['round_id', 'vehicle_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('waste_stops').execute();
  await db.schema.dropTable('waste_rounds').execute();
}
