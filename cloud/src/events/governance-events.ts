/**
 * The governance events and their payloads: plain data, so listeners in other modules depend on
 * this file only, never on the emitting module's models or tables.
 */
export type WorkOrderCategoryName =
  | 'repair'
  | 'elder_check'
  | 'water_leak'
  | 'bin_overflow'
  | 'device_fault'
  | 'environment'
  | 'suggestion'
  | 'volunteer'
  | 'other';

export interface WorkOrderRef {
  orderId: string;
  title: string;
  category: WorkOrderCategoryName;
}

export interface GovernanceEvents {
  /** A new order (any source). */
  'workOrder.created': WorkOrderRef & { source: string; reporterId: string | null; at: number };
  /** Any status change, after it is committed. */
  'workOrder.transitioned': WorkOrderRef & {
    from: string;
    to: string;
    actorId: string | null;
    note: string | null;
    at: number;
  };
  /** Completed: who did it and, for volunteers, the hours served. */
  'workOrder.completed': WorkOrderRef & {
    assigneeId: string | null;
    assigneeRole: string | null;
    hours: number | null;
    at: number;
  };
  /** A manager confirmed a resident's report valid (or accepted a suggestion). */
  'workOrder.confirmedValid': WorkOrderRef & {
    reporterId: string;
    reporterRole: string;
    actorId: string;
    at: number;
  };
  /** An unacknowledged order passed its deadline and went up a level. */
  'workOrder.escalated': WorkOrderRef & { level: 1 | 2; notified: string[]; at: number };
}
