import type { EventBus } from '../../events/event-bus.js';
import type { GovernanceEvents } from '../../events/governance-events.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { Notifier } from '../notifications/notifier.port.js';
import { TeamsRepository } from './teams.repository.js';
import { WorkOrdersRepository } from './work-orders.repository.js';

/**
 * Tells people about their orders through the Notifier port: the assignee (or the whole team) when
 * an order is dispatched, the reporter at every status change made by someone else, the assignee
 * when their work is rated, and whoever an escalation whistles to. Runs as bus listeners, so a
 * failing notifier is logged and never undoes or blocks the change itself.
 */
export function subscribeWorkOrderNotifications(
  bus: EventBus<GovernanceEvents>,
  store: RelationalStore,
  notifier: Notifier,
): () => void {
  const orders = new WorkOrdersRepository(store.db);
  const teams = new TeamsRepository(store.db);

  const offTransitioned = bus.on('workOrder.transitioned', 'work-orders.notify', async (e) => {
    const row = await orders.byId(e.orderId);
    if (!row) return;
    const params = { title: row.title, location: row.location, status: e.to, note: e.note };
    if (e.to === 'dispatched') {
      const team = row.team_id ? [...(await teams.memberIds(row.team_id))] : [];
      const lead = row.team_id ? await teams.leadOf(row.team_id) : null;
      const workers = row.assignee_id ? [row.assignee_id] : [...team, ...(lead ? [lead] : [])];
      await notifier.notify(workers, { kind: 'work_order_dispatched', params, workOrderId: row.id });
    }
    if (e.to === 'rated' && row.assignee_id) {
      await notifier.notify([row.assignee_id], {
        kind: 'work_order_rated',
        params: { title: row.title, rating: row.rating, comment: row.rating_comment },
        workOrderId: row.id,
      });
    }
    if (row.reporter_id && row.reporter_id !== e.actorId) {
      await notifier.notify([row.reporter_id], { kind: 'work_order_status', params, workOrderId: row.id });
    }
  });

  const offEscalated = bus.on('workOrder.escalated', 'work-orders.notify', (e) =>
    notifier.notify(e.notified, {
      kind: 'work_order_escalated',
      params: { title: e.title, level: e.level },
      workOrderId: e.orderId,
    }),
  );

  return () => {
    offTransitioned();
    offEscalated();
  };
}
