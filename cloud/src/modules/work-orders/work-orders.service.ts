import { randomUUID } from 'node:crypto';
import type { Updateable } from 'kysely';
import type { WorkOrdersTable } from '../../db/schema.js';
import type { EventBus } from '../../events/event-bus.js';
import type { GovernanceEvents } from '../../events/governance-events.js';
import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { Principal } from '../users/users.model.js';
import { illegalTransition } from './refusals.js';
import type { SlaService } from './sla.service.js';
import { TeamsRepository } from './teams.repository.js';
import { isManager, WorkOrderAccess } from './work-order-access.js';
import {
  type Action,
  type Category,
  NEXT,
  type PeopleDirectory,
  type Source,
  type Status,
  TARGET,
  type WorkOrder,
} from './work-orders.model.js';
import { toWorkOrder, type WorkOrderRow, WorkOrdersRepository } from './work-orders.repository.js';

const MINUTE = 60_000;

export interface NewWorkOrder {
  title: string;
  description: string;
  location: string;
  contact?: string;
  category: Category;
  gridId?: string;
}

/** What the alerting code passes to open an order for an IoT alert. */
export interface AlertWorkOrder extends NewWorkOrder {
  /** The alert's id: the same alert never opens two orders. */
  alertId: string;
  /** Dispatch at once (e.g. an elder check to the household's social worker). */
  dispatchTo?: { teamId?: string; assigneeId?: string };
}

/** Actions needing a worker: the assignee, someone in the assigned team, or a manager. */
const WORKER_ACTIONS: readonly Action[] = ['start', 'complete'];
/** A staff response stops the SLA clock (dispatching is the dispatcher's act, not a response). */
const RESPONSES: readonly Action[] = ['start', 'complete', 'reject'];
const VOLUNTEER_CATEGORIES: readonly Category[] = ['elder_check', 'volunteer'];

/**
 * The work-order loop: reported → dispatched → in_progress → completed → rated, or rejected /
 * cancelled with a reason. Every move is a compare-and-set on the status with its history entry in
 * the same transaction, so two people acting at once cannot both win; the loser is told the state
 * the order is now in and where it can go. Consequences (notifications, points) follow through the
 * event bus after commit. A null actor is the system (IoT alerts).
 */
export class WorkOrdersService {
  private readonly orders: WorkOrdersRepository;
  private readonly teams: TeamsRepository;
  /** Visibility checks; public so the photo service asks the same question. */
  readonly access: WorkOrderAccess;

  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
    private readonly people: PeopleDirectory,
    private readonly sla: SlaService,
    private readonly bus: EventBus<GovernanceEvents>,
    private readonly newId: () => string = randomUUID,
  ) {
    this.orders = new WorkOrdersRepository(store.db);
    this.teams = new TeamsRepository(store.db);
    this.access = new WorkOrderAccess(this.orders, this.teams);
  }

  async create(actor: Principal, input: NewWorkOrder): Promise<WorkOrder> {
    const source: Source = actor.role === 'resident' ? 'resident' : 'staff';
    return this.open(actor, input, source, null);
  }

  /** For the alerting code: idempotent on the alert id; optionally dispatched straight away. */
  async createFromAlert(input: AlertWorkOrder): Promise<WorkOrder> {
    const existing = await this.orders.byAlertRef(input.alertId);
    if (existing) return toWorkOrder(existing);
    let order: WorkOrder;
    try {
      order = await this.open(null, input, 'iot_alert', input.alertId);
    } catch (err) {
      // Two deliveries of one alert raced; the other one opened the order.
      const raced =
        this.store.constraintViolation(err) === 'unique' && (await this.orders.byAlertRef(input.alertId));
      if (raced) return toWorkOrder(raced);
      throw err;
    }
    const target = input.dispatchTo;
    if (target && (target.teamId || target.assigneeId)) {
      return this.dispatch(null, order.id, { ...target, note: 'auto-dispatched from alert' });
    }
    return order;
  }

  private async open(
    actor: Principal | null,
    input: NewWorkOrder,
    source: Source,
    alertRef: string | null,
  ): Promise<WorkOrder> {
    const now = this.clock.now();
    const id = this.newId();
    const gridId = input.gridId ?? actor?.gridId ?? null;
    const minutes = await this.sla.minutesFor(input.category);
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await this.orders.insert(
          {
            id,
            title: input.title,
            description: input.description,
            location: input.location,
            contact: input.contact ?? null,
            category: input.category,
            source,
            status: 'reported',
            reporter_id: actor?.id ?? null,
            grid_id: gridId,
            alert_ref: alertRef,
            response_due_at: now + minutes * MINUTE,
            escalation_level: 0,
            created_at: now,
            updated_at: now,
          },
          trx,
        );
        await this.orders.addHistory(trx, id, this.newId(), {
          at: now,
          actorId: actor?.id ?? null,
          action: 'reported',
          from: null,
          to: 'reported',
          note: alertRef ? `alert ${alertRef}` : null,
        });
      });
    } catch (err) {
      if (this.store.constraintViolation(err) === 'foreign_key')
        throw refuse(400, 'unknown_grid', { id: gridId });
      throw err;
    }
    const order = toWorkOrder((await this.orders.byId(id))!);
    await this.bus.emit('workOrder.created', {
      orderId: id,
      title: order.title,
      category: order.category,
      source,
      reporterId: order.reporterId,
      at: now,
    });
    return order;
  }

  async dispatch(
    actor: Principal | null,
    id: string,
    input: { teamId?: string; assigneeId?: string; note?: string },
  ): Promise<WorkOrder> {
    const row = actor ? await this.access.visibleRow(actor, id) : await this.access.row(id);
    this.assertLegal(row, 'dispatch');
    if (!input.teamId && !input.assigneeId) throw refuse(400, 'assignee_required');
    if (input.teamId && !(await this.teams.byId(input.teamId))) {
      throw refuse(400, 'unknown_team', { id: input.teamId });
    }
    if (input.assigneeId) {
      const person = await this.people.person(input.assigneeId);
      if (!person || person.disabled) throw refuse(400, 'unknown_user', { id: input.assigneeId });
    }
    return this.move(
      actor,
      row,
      'dispatch',
      {
        team_id: input.teamId ?? null,
        assignee_id: input.assigneeId ?? null,
      },
      input.note ?? null,
    );
  }

  async start(actor: Principal, id: string, note?: string): Promise<WorkOrder> {
    const row = await this.workerRow(actor, id, 'start');
    // Whoever in the team picks it up becomes the assignee.
    return this.move(actor, row, 'start', { assignee_id: row.assignee_id ?? actor.id }, note ?? null);
  }

  async complete(actor: Principal, id: string, input: { note?: string; hours?: number }): Promise<WorkOrder> {
    const row = await this.workerRow(actor, id, 'complete');
    const assigneeId = row.assignee_id ?? (isManager(actor) ? null : actor.id);
    if (VOLUNTEER_CATEGORIES.includes(row.category as Category) && input.hours === undefined && assigneeId) {
      const assignee = await this.people.person(assigneeId);
      if (assignee?.role === 'resident') throw refuse(400, 'hours_required');
    }
    const now = this.clock.now();
    return this.move(
      actor,
      row,
      'complete',
      {
        assignee_id: assigneeId,
        completed_at: now,
        completion_note: input.note ?? null,
        hours: input.hours ?? null,
      },
      input.note ?? null,
    );
  }

  async rate(actor: Principal, id: string, input: { score: number; comment?: string }): Promise<WorkOrder> {
    const row = await this.access.visibleRow(actor, id);
    if (row.reporter_id !== actor.id) throw refuse(403, 'not_reporter', { action: 'rate' });
    if (row.status === 'rated') throw refuse(409, 'already_rated');
    return this.move(
      actor,
      row,
      'rate',
      { rating: input.score, rating_comment: input.comment ?? null, rated_at: this.clock.now() },
      input.comment ?? null,
    );
  }

  async reject(actor: Principal, id: string, reason: string): Promise<WorkOrder> {
    const row = await this.access.visibleRow(actor, id);
    if (!reason.trim()) throw refuse(400, 'reason_required', { action: 'reject' });
    return this.move(actor, row, 'reject', { close_reason: reason }, reason);
  }

  async cancel(actor: Principal, id: string, reason: string): Promise<WorkOrder> {
    const row = await this.access.visibleRow(actor, id);
    if (!isManager(actor) && row.reporter_id !== actor.id) {
      throw refuse(403, 'not_reporter', { action: 'cancel' });
    }
    if (!reason.trim()) throw refuse(400, 'reason_required', { action: 'cancel' });
    return this.move(actor, row, 'cancel', { close_reason: reason }, reason);
  }

  /**
   * A manager confirms a resident's report valid (or accepts a suggestion); points follow through
   * the bus. Once per order, and not for a rejected or cancelled one.
   */
  async confirmValid(actor: Principal, id: string, note?: string): Promise<WorkOrder> {
    const row = await this.access.visibleRow(actor, id);
    const status = row.status as Status;
    if (status === 'rejected' || status === 'cancelled') throw illegalTransition(id, status, 'confirm');
    if (row.validated_at !== null) throw refuse(409, 'already_validated');
    const reporter = row.reporter_id ? await this.people.person(row.reporter_id) : undefined;
    if (reporter?.role !== 'resident') throw refuse(409, 'not_resident_report');
    const now = this.clock.now();
    const confirmed = await this.store.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('work_orders')
        .set({ validated_at: now, validated_by: actor.id, updated_at: now })
        .where('id', '=', id)
        .where('validated_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await this.orders.addHistory(trx, id, this.newId(), {
        at: now,
        actorId: actor.id,
        action: row.category === 'suggestion' ? 'suggestion_accepted' : 'confirmed_valid',
        from: status,
        to: status,
        note: note ?? null,
      });
      return true;
    });
    if (!confirmed) throw refuse(409, 'already_validated');
    await this.bus.emit('workOrder.confirmedValid', {
      orderId: id,
      title: row.title,
      category: row.category as Category,
      reporterId: reporter.id,
      reporterRole: reporter.role,
      actorId: actor.id,
      at: now,
    });
    return toWorkOrder((await this.orders.byId(id))!);
  }

  /**
   * Announces again the completions and confirmations since `since`. Events go out after commit,
   * in process: a crash or a failing listener in between would lose an award. Points listeners pay
   * idempotently (keys derived from the order), so re-announcing is safe; a scheduler job does it.
   */
  async republishAwards(since: number): Promise<number> {
    let announced = 0;
    for (const row of await this.orders.awardCausesSince(since)) {
      const order = toWorkOrder(row);
      const ref = { orderId: order.id, title: order.title, category: order.category };
      if (
        row.completed_at !== null &&
        row.completed_at >= since &&
        ['completed', 'rated'].includes(order.status)
      ) {
        await this.announceCompleted(order, row.completed_at);
        announced++;
      }
      const reporter = row.reporter_id ? await this.people.person(row.reporter_id) : undefined;
      if (row.validated_at !== null && row.validated_at >= since && reporter && row.validated_by) {
        await this.bus.emit('workOrder.confirmedValid', {
          ...ref,
          reporterId: reporter.id,
          reporterRole: reporter.role,
          actorId: row.validated_by,
          at: row.validated_at,
        });
        announced++;
      }
    }
    return announced;
  }

  // ---- internals

  private async workerRow(actor: Principal, id: string, action: Action): Promise<WorkOrderRow> {
    const row = await this.access.visibleRow(actor, id);
    this.assertLegal(row, action);
    if (!WORKER_ACTIONS.includes(action) || isManager(actor) || row.assignee_id === actor.id) return row;
    const inTeam = row.team_id !== null && (await this.teams.teamIdsOf(actor.id)).includes(row.team_id);
    // A team member may take an order nobody in the team has taken yet.
    if (inTeam && row.assignee_id === null) return row;
    throw refuse(403, 'not_assignee');
  }

  private assertLegal(row: WorkOrderRow, action: Action): void {
    const current = row.status as Status;
    if (!NEXT[current].includes(TARGET[action])) throw illegalTransition(row.id, current, action);
  }

  private async move(
    actor: Principal | null,
    row: WorkOrderRow,
    action: Action,
    changes: Updateable<WorkOrdersTable>,
    note: string | null,
  ): Promise<WorkOrder> {
    if (['dispatch', 'reject'].includes(action) && !isManager(actor)) {
      throw refuse(403, 'forbidden', { original: `only a manager may ${action} a work order` });
    }
    this.assertLegal(row, action);
    const from = row.status as Status;
    const to = TARGET[action];
    const now = this.clock.now();
    const response =
      RESPONSES.includes(action) && row.acknowledged_at === null
        ? {
            acknowledged_at: now,
            // A late response is a breach even if the escalation job never saw the order.
            breached_at: row.breached_at ?? (now > row.response_due_at ? row.response_due_at : null),
          }
        : {};
    const moved = await this.store.db.transaction().execute(async (trx) => {
      const ok = await this.orders.updateIfStatus(
        row.id,
        from,
        { ...changes, ...response, status: to, updated_at: now },
        trx,
      );
      if (ok) {
        await this.orders.addHistory(trx, row.id, this.newId(), {
          at: now,
          actorId: actor?.id ?? null,
          action,
          from,
          to,
          note,
        });
      }
      return ok;
    });
    const order = toWorkOrder(await this.access.row(row.id));
    if (!moved) throw illegalTransition(row.id, order.status, action);
    await this.announce(order, from, actor, note, now);
    return order;
  }

  private async announce(
    order: WorkOrder,
    from: Status,
    actor: Principal | null,
    note: string | null,
    at: number,
  ): Promise<void> {
    const ref = { orderId: order.id, title: order.title, category: order.category };
    await this.bus.emit('workOrder.transitioned', {
      ...ref,
      from,
      to: order.status,
      actorId: actor?.id ?? null,
      note,
      at,
    });
    if (order.status === 'completed') await this.announceCompleted(order, at);
  }

  /** workOrder.completed, which pays the assignee's points (the same event when re-announced). */
  private async announceCompleted(order: WorkOrder, at: number): Promise<void> {
    const assignee = order.assigneeId ? await this.people.person(order.assigneeId) : undefined;
    await this.bus.emit('workOrder.completed', {
      orderId: order.id,
      title: order.title,
      category: order.category,
      assigneeId: order.assigneeId,
      assigneeRole: assignee?.role ?? null,
      hours: order.hours,
      at,
    });
  }
}
