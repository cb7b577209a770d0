import type { Role } from '../users/users.model.js';

export const CATEGORIES = [
  'repair',
  'elder_check',
  'water_leak',
  'bin_overflow',
  'device_fault',
  'environment',
  // Beyond the list: suggestions feed the public "suggestions landed" list and the
  // accepted-suggestion points; volunteer orders carry volunteer hours into points.
  'suggestion',
  'volunteer',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SOURCES = ['resident', 'staff', 'iot_alert'] as const;
export type Source = (typeof SOURCES)[number];

export const STATUSES = [
  'reported',
  'dispatched',
  'in_progress',
  'completed',
  'rated',
  'rejected',
  'cancelled',
] as const;
export type Status = (typeof STATUSES)[number];

export type Action = 'dispatch' | 'start' | 'complete' | 'rate' | 'reject' | 'cancel';

/** The closed loop. Re-dispatching a dispatched order (reassignment) is allowed; nothing leaves a closed state. */
export const NEXT: Readonly<Record<Status, readonly Status[]>> = {
  reported: ['dispatched', 'rejected', 'cancelled'],
  dispatched: ['dispatched', 'in_progress', 'rejected', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: ['rated'],
  rated: [],
  rejected: [],
  cancelled: [],
};

export const TARGET: Readonly<Record<Action, Status>> = {
  dispatch: 'dispatched',
  start: 'in_progress',
  complete: 'completed',
  rate: 'rated',
  reject: 'rejected',
  cancel: 'cancelled',
};

/** States in which an order still waits for someone to respond (the SLA clock runs). */
export const AWAITING_RESPONSE: readonly Status[] = ['reported', 'dispatched'];

/**
 * Response deadlines in minutes. Elder checks: 30 (the figure: someone living alone may be
 * lying on the floor). Leaks flood the flat below within the hour; bins and device faults within
 * a working half-day; the rest within a day; suggestions get three days for a first answer.
 */
export const DEFAULT_SLA_MINUTES: Readonly<Record<Category, number>> = {
  elder_check: 30,
  water_leak: 60,
  bin_overflow: 240,
  device_fault: 240,
  repair: 1440,
  environment: 1440,
  volunteer: 1440,
  other: 1440,
  suggestion: 4320,
};

export const STAFF_ROLES: readonly Role[] = ['installer', 'social_worker', 'sanitation'];

export interface WorkOrder {
  id: string;
  title: string;
  description: string;
  location: string;
  contact: string | null;
  category: Category;
  source: Source;
  status: Status;
  reporterId: string | null;
  gridId: string | null;
  teamId: string | null;
  assigneeId: string | null;
  alertRef: string | null;
  sla: {
    responseDueAt: number;
    acknowledgedAt: number | null;
    breachedAt: number | null;
    escalationLevel: number;
    escalatedToLeadAt: number | null;
    escalatedToManagerAt: number | null;
  };
  completedAt: number | null;
  completionNote: string | null;
  hours: number | null;
  rating: { score: number; comment: string | null; ratedAt: number } | null;
  closeReason: string | null;
  validatedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface HistoryEntry {
  seq: number;
  at: number;
  actorId: string | null;
  action: string;
  from: Status | null;
  to: Status | null;
  note: string | null;
}

export interface Photo {
  id: string;
  contentType: string;
  size: number;
  uploadedBy: string | null;
  createdAt: number;
}

/** Who the work-order module needs to know about: a person behind a user id. */
export interface Person {
  id: string;
  role: Role;
  displayName: string;
  gridId: string | null;
  disabled: boolean;
}

/** Port onto the accounts (the users module), so work orders never read its table. */
export interface PeopleDirectory {
  person(id: string): Promise<Person | undefined>;
  /** Enabled managers: the last escalation level. */
  managers(): Promise<string[]>;
}
