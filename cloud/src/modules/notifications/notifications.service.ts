import type { Language } from '../../i18n/language.js';
import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { renderNotification } from './notification.messages.js';

export interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  workOrderId: string | null;
  createdAt: number;
  readAt: number | null;
}

/** A user's in-app inbox: newest first, rendered in the reader's language. */
export class NotificationsService {
  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
  ) {}

  async inbox(
    userId: string,
    lang: Language,
    options: { unreadOnly?: boolean; limit?: number } = {},
  ): Promise<{ items: InboxItem[]; unread: number }> {
    const rows = await this.store.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', userId)
      .$if(options.unreadOnly === true, (q) => q.where('read_at', 'is', null))
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(options.limit ?? 50)
      .execute();
    const { n } = await this.store.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return {
      unread: Number(n),
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        ...renderNotification(r.kind, JSON.parse(r.params_json), lang),
        workOrderId: r.work_order_id,
        createdAt: r.created_at,
        readAt: r.read_at,
      })),
    };
  }

  async markRead(userId: string, id: string): Promise<void> {
    const result = await this.store.db
      .updateTable('notifications')
      .set({ read_at: this.clock.now() })
      .where('id', '=', id)
      // Someone else's notification is "not found", never "forbidden": ids are not probed.
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return;
    const exists = await this.store.db
      .selectFrom('notifications')
      .select('id')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!exists) throw refuse(404, 'notification_not_found', { id });
  }
}
