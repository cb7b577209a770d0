import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { LinliDatabase, WorkOrderPhotosTable, WorkOrdersTable } from '../../db/schema.js';
import type { Category, HistoryEntry, Photo, Source, Status, WorkOrder } from './work-orders.model.js';

type Db = Kysely<LinliDatabase>;
export type WorkOrderRow = Selectable<WorkOrdersTable>;

export const toWorkOrder = (r: WorkOrderRow): WorkOrder => ({
  id: r.id,
  title: r.title,
  description: r.description,
  location: r.location,
  contact: r.contact,
  category: r.category as Category,
  source: r.source as Source,
  status: r.status as Status,
  reporterId: r.reporter_id,
  gridId: r.grid_id,
  teamId: r.team_id,
  assigneeId: r.assignee_id,
  alertRef: r.alert_ref,
  sla: {
    responseDueAt: r.response_due_at,
    acknowledgedAt: r.acknowledged_at,
    breachedAt: r.breached_at,
    escalationLevel: r.escalation_level,
    escalatedToLeadAt: r.escalated_lead_at,
    escalatedToManagerAt: r.escalated_manager_at,
  },
  completedAt: r.completed_at,
  completionNote: r.completion_note,
  hours: r.hours === null ? null : Number(r.hours),
  rating: r.rating === null ? null : { score: r.rating, comment: r.rating_comment, ratedAt: r.rated_at ?? 0 },
  closeReason: r.close_reason,
  validatedAt: r.validated_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Who may see which orders: everything, or those linked to a user directly or via their teams. */
export type Visibility = { all: true } | { all: false; userId: string; teamIds: string[] };

export interface ListFilter {
  status?: Status;
  category?: Category;
  source?: Source;
  gridId?: string;
  assigneeId?: string;
  teamId?: string;
  reporterId?: string;
  from?: number;
  to?: number;
}

const SORT_COLUMN = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  responseDueAt: 'response_due_at',
  status: 'status',
  category: 'category',
} as const;
export type SortKey = keyof typeof SORT_COLUMN;

/** The work-order tables; the only code that knows their columns. Methods take the executor so
 * they run inside a caller's transaction. */
export class WorkOrdersRepository {
  constructor(private readonly db: Db) {}

  insert(row: Insertable<WorkOrdersTable>, db: Db = this.db) {
    return db.insertInto('work_orders').values(row).execute();
  }

  async byId(id: string, db: Db = this.db): Promise<WorkOrderRow | undefined> {
    return db.selectFrom('work_orders').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byAlertRef(ref: string): Promise<WorkOrderRow | undefined> {
    return this.db.selectFrom('work_orders').selectAll().where('alert_ref', '=', ref).executeTakeFirst();
  }

  /** Compare-and-set on the status: 0 rows means someone else moved the order first. */
  async updateIfStatus(
    id: string,
    expected: Status,
    changes: Updateable<WorkOrdersTable>,
    db: Db = this.db,
  ): Promise<boolean> {
    const result = await db
      .updateTable('work_orders')
      .set(changes)
      .where('id', '=', id)
      .where('status', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async update(id: string, changes: Updateable<WorkOrdersTable>, db: Db = this.db): Promise<void> {
    await db.updateTable('work_orders').set(changes).where('id', '=', id).execute();
  }

  /** Appends to the history; call after updating the order row in the same transaction (the row
   * lock orders concurrent writers, so the next seq is unique). */
  async addHistory(db: Db, id: string, entryId: string, e: Omit<HistoryEntry, 'seq'>): Promise<void> {
    const { max } = await db
      .selectFrom('work_order_history')
      .select((eb) => eb.fn.max('seq').as('max'))
      .where('work_order_id', '=', id)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('work_order_history')
      .values({
        id: entryId,
        work_order_id: id,
        seq: Number(max ?? 0) + 1,
        at: e.at,
        actor_id: e.actorId,
        action: e.action,
        from_status: e.from,
        to_status: e.to,
        note: e.note,
      })
      .execute();
  }

  async history(id: string): Promise<HistoryEntry[]> {
    const rows = await this.db
      .selectFrom('work_order_history')
      .selectAll()
      .where('work_order_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      actorId: r.actor_id,
      action: r.action,
      from: r.from_status as Status | null,
      to: r.to_status as Status | null,
      note: r.note,
    }));
  }

  async list(
    filter: ListFilter,
    visibility: Visibility,
    sort: { key: SortKey; order: 'asc' | 'desc' },
    page: { offset: number; limit: number },
  ): Promise<{ rows: WorkOrderRow[]; total: number }> {
    let q = this.db.selectFrom('work_orders');
    if (!visibility.all) {
      const { userId, teamIds } = visibility;
      q = q.where((eb) =>
        eb.or([
          eb('reporter_id', '=', userId),
          eb('assignee_id', '=', userId),
          ...(teamIds.length > 0 ? [eb('team_id', 'in', teamIds)] : []),
        ]),
      );
    }
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.category) q = q.where('category', '=', filter.category);
    if (filter.source) q = q.where('source', '=', filter.source);
    if (filter.gridId) q = q.where('grid_id', '=', filter.gridId);
    if (filter.assigneeId) q = q.where('assignee_id', '=', filter.assigneeId);
    if (filter.teamId) q = q.where('team_id', '=', filter.teamId);
    if (filter.reporterId) q = q.where('reporter_id', '=', filter.reporterId);
    if (filter.from !== undefined) q = q.where('created_at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('created_at', '<', filter.to);
    const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll()
      .orderBy(SORT_COLUMN[sort.key], sort.order)
      // A total order, so pages never overlap or skip rows that tie on the sort key.
      .orderBy('id', sort.order)
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    return { rows, total: Number(n) };
  }

  /** Orders still waiting for a response whose escalation level is `level`. */
  async awaitingResponse(level: number): Promise<WorkOrderRow[]> {
    return this.db
      .selectFrom('work_orders')
      .selectAll()
      .where('status', 'in', ['reported', 'dispatched'])
      .where('acknowledged_at', 'is', null)
      .where('escalation_level', '=', level)
      .orderBy('response_due_at')
      .execute();
  }

  /** Moves an unacknowledged order from one escalation level to the next, once. */
  async escalateIf(
    db: Db,
    id: string,
    fromLevel: number,
    changes: Updateable<WorkOrdersTable>,
  ): Promise<boolean> {
    const result = await db
      .updateTable('work_orders')
      .set(changes)
      .where('id', '=', id)
      .where('escalation_level', '=', fromLevel)
      .where('acknowledged_at', 'is', null)
      .where('status', 'in', ['reported', 'dispatched'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Orders completed or confirmed valid since a time: the causes of points awards. */
  async awardCausesSince(since: number): Promise<WorkOrderRow[]> {
    return this.db
      .selectFrom('work_orders')
      .selectAll()
      .where((eb) => eb.or([eb('completed_at', '>=', since), eb('validated_at', '>=', since)]))
      .orderBy('updated_at')
      .execute();
  }

  async createdBetween(from?: number, to?: number): Promise<WorkOrderRow[]> {
    let q = this.db.selectFrom('work_orders').selectAll();
    if (from !== undefined) q = q.where('created_at', '>=', from);
    if (to !== undefined) q = q.where('created_at', '<', to);
    return q.orderBy('created_at').execute();
  }

  async landedSuggestions(offset: number, limit: number) {
    const base = this.db
      .selectFrom('work_orders')
      .where('category', '=', 'suggestion')
      .where('validated_at', 'is not', null)
      .where('status', 'in', ['completed', 'rated']);
    const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('completed_at', 'desc')
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute();
    return { rows, total: Number(n) };
  }

  // ---- photos
  async addPhoto(row: WorkOrderPhotosTable): Promise<void> {
    await this.db.insertInto('work_order_photos').values(row).execute();
  }

  async photoCount(orderId: string): Promise<number> {
    const { n } = await this.db
      .selectFrom('work_order_photos')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('work_order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async photos(orderId: string): Promise<Photo[]> {
    const rows = await this.db
      .selectFrom('work_order_photos')
      .selectAll()
      .where('work_order_id', '=', orderId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      contentType: r.content_type,
      size: r.size,
      uploadedBy: r.uploaded_by,
      createdAt: r.created_at,
    }));
  }

  async photo(orderId: string, photoId: string) {
    return this.db
      .selectFrom('work_order_photos')
      .selectAll()
      .where('work_order_id', '=', orderId)
      .where('id', '=', photoId)
      .executeTakeFirst();
  }
}
