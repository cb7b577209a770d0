/** Rounds and stops on the relational store (SQLite or PostgreSQL through Kysely). */
import type { Kysely } from 'kysely';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { WasteRoundsTable, WasteStopsTable, WasteTables } from './waste-routing.model.js';

export class WasteRoutingRepository {
  private readonly db: Kysely<WasteTables>;

  constructor(store: RelationalStore) {
    // The module's tables are typed here rather than in the shared schema file.
    this.db = store.db.withTables<WasteTables>() as unknown as Kysely<WasteTables>;
  }

  roundByDate(date: string): Promise<WasteRoundsTable | undefined> {
    return this.db.selectFrom('waste_rounds').selectAll().where('date', '=', date).executeTakeFirst();
  }

  roundsBetween(fromDate: string, toDate: string): Promise<WasteRoundsTable[]> {
    return this.db
      .selectFrom('waste_rounds')
      .selectAll()
      .where('date', '>=', fromDate)
      .where('date', '<=', toDate)
      .orderBy('date')
      .execute();
  }

  stops(roundId: string): Promise<WasteStopsTable[]> {
    return this.db
      .selectFrom('waste_stops')
      .selectAll()
      .where('round_id', '=', roundId)
      .orderBy('vehicle_id')
      .orderBy('seq')
      .execute();
  }

  stop(id: string): Promise<WasteStopsTable | undefined> {
    return this.db.selectFrom('waste_stops').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Writes a round's plan: the round row (new, or its planned_at refreshed) and the pending stops,
   * replacing the pending stops of an earlier plan; done and skipped stops are never touched.
   */
  async savePlan(round: WasteRoundsTable, pending: WasteStopsTable[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('waste_rounds')
        .select('id')
        .where('id', '=', round.id)
        .executeTakeFirst();
      if (existing) {
        await tx
          .updateTable('waste_rounds')
          .set({ planned_at: round.planned_at, baseline_m: round.baseline_m })
          .where('id', '=', round.id)
          .execute();
      } else await tx.insertInto('waste_rounds').values(round).execute();
      await tx
        .deleteFrom('waste_stops')
        .where('round_id', '=', round.id)
        .where('status', '=', 'pending')
        .execute();
      if (pending.length > 0) await tx.insertInto('waste_stops').values(pending).execute();
    });
  }

  /** Sets a pending stop's outcome; false when it is not pending any more (already reported). */
  async complete(
    id: string,
    change: Pick<WasteStopsTable, 'status' | 'measured_pct' | 'skip_reason' | 'done_at' | 'done_by'>,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('waste_stops')
      .set(change)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}
