import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { Notifier, OutgoingNotification } from './notifier.port.js';

/** The in-app inbox as a Notifier: one row per recipient, read through the inbox API. */
export class InAppNotifier implements Notifier {
  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
    private readonly newId: () => string = randomUUID,
  ) {}

  async notify(userIds: readonly string[], n: OutgoingNotification): Promise<void> {
    const recipients = [...new Set(userIds)];
    if (recipients.length === 0) return;
    const now = this.clock.now();
    await this.store.db
      .insertInto('notifications')
      .values(
        recipients.map((userId) => ({
          id: this.newId(),
          user_id: userId,
          kind: n.kind,
          params_json: JSON.stringify(n.params),
          work_order_id: n.workOrderId ?? null,
          created_at: now,
          read_at: null,
        })),
      )
      .execute();
  }
}
