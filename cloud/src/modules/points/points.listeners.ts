import type { EventBus } from '../../events/event-bus.js';
import type { GovernanceEvents } from '../../events/governance-events.js';
import { LocalizedError } from '../../i18n/localized-error.js';
import type { PointsService } from './points.service.js';

const VOLUNTEER_CATEGORIES = new Set(['elder_check', 'volunteer']);

/**
 * Points that follow from work orders, through the bus. Each award's idempotency key is derived
 * from the order and the rule, so a re-emitted event (or a replay after a crash) pays nothing new.
 * A reached daily cap is an outcome, not a failure (the resident simply earns no more today);
 * anything else that goes wrong is the bus's to log, and the order itself is unaffected.
 */
export function subscribePointsToWorkOrders(
  bus: EventBus<GovernanceEvents>,
  points: PointsService,
): () => void {
  const capped = async (award: () => Promise<unknown>) => {
    try {
      await award();
    } catch (err) {
      if (!(err instanceof LocalizedError && err.code === 'daily_cap_reached')) throw err;
    }
  };

  const offCompleted = bus.on('workOrder.completed', 'points.volunteer-hours', async (e) => {
    if (!VOLUNTEER_CATEGORIES.has(e.category) || e.assigneeRole !== 'resident' || !e.assigneeId) return;
    const { assigneeId: accountId, hours } = e;
    if (!hours || hours <= 0) return;
    await capped(() =>
      points.earn({
        accountId,
        ruleCode: 'volunteer_service',
        quantity: hours,
        cause: { type: 'work_order', id: e.orderId },
        idempotencyKey: `work_order:${e.orderId}:volunteer_service`,
        note: e.title,
      }),
    );
  });

  const offConfirmed = bus.on('workOrder.confirmedValid', 'points.valid-report', async (e) => {
    if (e.reporterRole !== 'resident') return;
    const ruleCode = e.category === 'suggestion' ? 'accepted_suggestion' : 'valid_report';
    await capped(() =>
      points.earn({
        accountId: e.reporterId,
        ruleCode,
        cause: { type: 'work_order', id: e.orderId },
        idempotencyKey: `work_order:${e.orderId}:${ruleCode}`,
        actorId: e.actorId,
        note: e.title,
      }),
    );
  });

  return () => {
    offCompleted();
    offConfirmed();
  };
}
