import type { EventBus } from '../../events/event-bus.js';
import type { GovernanceEvents } from '../../events/governance-events.js';
import type { PointsService } from './points.service.js';

const VOLUNTEER_CATEGORIES = new Set(['elder_check', 'volunteer']);

/**
 * Points that follow from work orders, through the bus. Each award's idempotency key is derived
 * from the order and the rule, so a re-emitted event (or a replay after a crash) pays nothing new.
 * A refusal (e.g. a daily cap) is the bus's to log; the order itself is unaffected.
 */
export function subscribePointsToWorkOrders(
  bus: EventBus<GovernanceEvents>,
  points: PointsService,
): () => void {
  const offCompleted = bus.on('workOrder.completed', 'points.volunteer-hours', async (e) => {
    if (!VOLUNTEER_CATEGORIES.has(e.category) || e.assigneeRole !== 'resident' || !e.assigneeId) return;
    if (!e.hours || e.hours <= 0) return;
    await points.earn({
      accountId: e.assigneeId,
      ruleCode: 'volunteer_service',
      quantity: e.hours,
      cause: { type: 'work_order', id: e.orderId },
      idempotencyKey: `work_order:${e.orderId}:volunteer_service`,
      note: e.title,
    });
  });

  const offConfirmed = bus.on('workOrder.confirmedValid', 'points.valid-report', async (e) => {
    if (e.reporterRole !== 'resident') return;
    const ruleCode = e.category === 'suggestion' ? 'accepted_suggestion' : 'valid_report';
    await points.earn({
      accountId: e.reporterId,
      ruleCode,
      cause: { type: 'work_order', id: e.orderId },
      idempotencyKey: `work_order:${e.orderId}:${ruleCode}`,
      actorId: e.actorId,
      note: e.title,
    });
  });

  return () => {
    offCompleted();
    offConfirmed();
  };
}
