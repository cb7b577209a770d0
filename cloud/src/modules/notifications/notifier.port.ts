/** What a notification is about; each kind has a zh-CN and en rendering (notification.messages.ts). */
export type NotificationKind =
  | 'work_order_dispatched'
  | 'work_order_status'
  | 'work_order_escalated'
  | 'work_order_rated'
  | 'waste_route_ready'
  | 'waste_route_updated'
  | 'waste_route_replanned';

export interface OutgoingNotification {
  kind: NotificationKind;
  /** Values the message templates interpolate (order title, new status, …). */
  params: Record<string, string | number | null>;
  workOrderId?: string;
}

/**
 * Port through which modules reach people. The in-app inbox implements it now; SMS or WeChat
 * adapters can implement it later (or fan out alongside) without touching the callers.
 */
export interface Notifier {
  notify(userIds: readonly string[], notification: OutgoingNotification): Promise<void>;
}
