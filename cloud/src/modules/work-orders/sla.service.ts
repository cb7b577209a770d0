import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../events/event-bus.js';
import type { GovernanceEvents } from '../../events/governance-events.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { SlaRepository, TeamsRepository } from './teams.repository.js';
import {
  AWAITING_RESPONSE,
  CATEGORIES,
  type Category,
  DEFAULT_SLA_MINUTES,
  type PeopleDirectory,
  type Status,
} from './work-orders.model.js';
import { type WorkOrderRow, WorkOrdersRepository } from './work-orders.repository.js';

const MINUTE = 60_000;

export interface SlaPolicy {
  category: Category;
  responseMinutes: number;
  isDefault: boolean;
  updatedAt: number | null;
  updatedBy: string | null;
}

export interface EscalationRun {
  toLead: string[];
  toManager: string[];
}

interface Counts {
  total: number;
  acknowledged: number;
  breached: number;
  escalatedToLead: number;
  escalatedToManager: number;
  averageResponseMinutes: number | null;
}

/**
 * Response deadlines and 吹哨报到 escalation. An order nobody acknowledged (started, completed or
 * rejected) by its deadline is breached and goes to its team lead (level 1); a second deadline
 * later it goes to the managers (level 2). escalate(now) is what the scheduler calls every minute;
 * each step is a compare-and-set on the level, so overlapping runs (or instances) escalate once.
 */
export class SlaService {
  private readonly orders: WorkOrdersRepository;
  private readonly teams: TeamsRepository;
  private readonly policiesRepo: SlaRepository;

  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
    private readonly people: PeopleDirectory,
    private readonly bus: EventBus<GovernanceEvents>,
    private readonly newId: () => string = randomUUID,
  ) {
    this.orders = new WorkOrdersRepository(store.db);
    this.teams = new TeamsRepository(store.db);
    this.policiesRepo = new SlaRepository(store.db);
  }

  async policies(): Promise<SlaPolicy[]> {
    const stored = new Map((await this.policiesRepo.all()).map((r) => [r.category, r]));
    return CATEGORIES.map((category) => {
      const row = stored.get(category);
      return {
        category,
        responseMinutes: row?.response_minutes ?? DEFAULT_SLA_MINUTES[category],
        isDefault: !row,
        updatedAt: row?.updated_at ?? null,
        updatedBy: row?.updated_by ?? null,
      };
    });
  }

  async minutesFor(category: Category): Promise<number> {
    return (await this.policies()).find((p) => p.category === category)!.responseMinutes;
  }

  /** New deadlines apply to orders created from now on; open orders keep the deadline they got. */
  async setPolicy(category: Category, responseMinutes: number, actorId: string): Promise<SlaPolicy> {
    await this.policiesRepo.upsert({
      category,
      response_minutes: responseMinutes,
      updated_at: this.clock.now(),
      updated_by: actorId,
    });
    return (await this.policies()).find((p) => p.category === category)!;
  }

  async escalate(now: number = this.clock.now()): Promise<EscalationRun> {
    const minutes = new Map((await this.policies()).map((p) => [p.category, p.responseMinutes]));
    const toLead: string[] = [];
    for (const row of await this.orders.awaitingResponse(0)) {
      if (row.response_due_at > now) break; // sorted by deadline
      if (await this.step(row, 1, now)) toLead.push(row.id);
    }
    const toManager: string[] = [];
    for (const row of await this.orders.awaitingResponse(1)) {
      const window = (minutes.get(row.category as Category) ?? 0) * MINUTE;
      if (row.response_due_at + window > now) continue;
      if (await this.step(row, 2, now)) toManager.push(row.id);
    }
    return { toLead, toManager };
  }

  private async step(row: WorkOrderRow, level: 1 | 2, now: number): Promise<boolean> {
    const lead = level === 1 && row.team_id ? await this.teams.leadOf(row.team_id) : null;
    // No team lead to whistle to (not yet dispatched, or a team without one): straight to managers.
    const notified = lead ? [lead] : await this.people.managers();
    const moved = await this.store.db.transaction().execute(async (trx) => {
      const ok = await this.orders.escalateIf(trx, row.id, level - 1, {
        escalation_level: level,
        ...(level === 1 ? { escalated_lead_at: now } : { escalated_manager_at: now }),
        // The breach happened at the deadline; we record that instant, not when we noticed.
        breached_at: row.breached_at ?? row.response_due_at,
        updated_at: now,
      });
      if (!ok) return false;
      await this.orders.addHistory(trx, row.id, this.newId(), {
        at: now,
        actorId: null,
        action: level === 1 ? 'escalated_to_lead' : 'escalated_to_manager',
        from: row.status as Status,
        to: row.status as Status,
        note: `response deadline ${new Date(row.response_due_at).toISOString()} passed unacknowledged`,
      });
      return true;
    });
    if (moved) {
      await this.bus.emit('workOrder.escalated', {
        orderId: row.id,
        title: row.title,
        category: row.category as Category,
        level,
        notified,
        at: now,
      });
    }
    return moved;
  }

  async report(from?: number, to?: number) {
    const now = this.clock.now();
    const rows = await this.orders.createdBetween(from, to);
    const breached = (r: WorkOrderRow) =>
      r.breached_at !== null ||
      (r.acknowledged_at === null &&
        AWAITING_RESPONSE.includes(r.status as Status) &&
        r.response_due_at <= now);
    const count = (subset: WorkOrderRow[]): Counts => {
      const acked = subset.filter((r) => r.acknowledged_at !== null);
      const total = acked.reduce((s, r) => s + (r.acknowledged_at! - r.created_at), 0);
      return {
        total: subset.length,
        acknowledged: acked.length,
        breached: subset.filter(breached).length,
        escalatedToLead: subset.filter((r) => r.escalated_lead_at !== null).length,
        escalatedToManager: subset.filter((r) => r.escalated_manager_at !== null).length,
        averageResponseMinutes: acked.length ? Math.round((total / acked.length / MINUTE) * 10) / 10 : null,
      };
    };
    return {
      from: from ?? null,
      to: to ?? null,
      overall: count(rows),
      byCategory: CATEGORIES.map((category) => ({
        category,
        ...count(rows.filter((r) => r.category === category)),
      })).filter((c) => c.total > 0),
      openBreaches: rows
        .filter((r) => r.acknowledged_at === null && AWAITING_RESPONSE.includes(r.status as Status))
        .filter(breached)
        .map((r) => ({
          id: r.id,
          title: r.title,
          category: r.category as Category,
          status: r.status as Status,
          responseDueAt: r.response_due_at,
          breachedAt: r.breached_at ?? r.response_due_at,
          escalationLevel: r.escalation_level,
          escalatedToLeadAt: r.escalated_lead_at,
          escalatedToManagerAt: r.escalated_manager_at,
        })),
    };
  }
}
