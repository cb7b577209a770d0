import type { Role } from '../users/users.model.js';

export type LedgerKind = 'earn' | 'redeem' | 'adjust' | 'expire';
export type CauseType = 'work_order' | 'event' | 'staff_action' | 'redemption' | 'expiry';

export interface Rule {
  code: string;
  nameZh: string;
  nameEn: string;
  points: number;
  unit: 'time' | 'hour';
  dailyCap: number | null;
  updatedAt: number | null;
  updatedBy: string | null;
}

/**
 * The defaults from community practice (the figures), seeded once per store; managers edit
 * them afterwards. Daily caps where repetition is cheap: a resident cannot farm issue reports or
 * supervision rounds. Mediation is ours: the 调解能手 badge needs something to count.
 */
export const DEFAULT_RULES: readonly Omit<Rule, 'updatedAt' | 'updatedBy'>[] = [
  {
    code: 'waste_sorting',
    nameZh: '垃圾分类督导',
    nameEn: 'Waste-sorting supervision',
    points: 10,
    unit: 'time',
    dailyCap: 20,
  },
  {
    code: 'council_meeting',
    nameZh: '参加议事会',
    nameEn: 'Council meeting',
    points: 20,
    unit: 'time',
    dailyCap: null,
  },
  {
    code: 'volunteer_service',
    nameZh: '志愿服务',
    nameEn: 'Volunteer service',
    points: 30,
    unit: 'hour',
    dailyCap: 240,
  },
  {
    code: 'accepted_suggestion',
    nameZh: '建议被采纳',
    nameEn: 'Accepted suggestion',
    points: 50,
    unit: 'time',
    dailyCap: null,
  },
  {
    code: 'valid_report',
    nameZh: '有效问题上报',
    nameEn: 'Valid issue report',
    points: 5,
    unit: 'time',
    dailyCap: 25,
  },
  {
    code: 'dispute_mediation',
    nameZh: '调解邻里纠纷',
    nameEn: 'Neighbour dispute mediation',
    points: 20,
    unit: 'time',
    dailyCap: null,
  },
];

export interface CatalogueItem {
  id: string;
  nameZh: string;
  nameEn: string;
  cost: number;
  /** null: unlimited (an honour, not a thing). */
  stock: number | null;
  active: boolean;
}

export const DEFAULT_CATALOGUE: readonly CatalogueItem[] = [
  {
    id: 'supermarket_voucher_10',
    nameZh: '10元超市代金券',
    nameEn: '10-yuan supermarket voucher',
    cost: 100,
    stock: 50,
    active: true,
  },
  {
    id: 'housekeeping_service',
    nameZh: '免费家政服务一次',
    nameEn: 'One free housekeeping service',
    cost: 200,
    stock: 20,
    active: true,
  },
  {
    id: 'parking_discount',
    nameZh: '停车费优惠',
    nameEn: 'Parking discount',
    cost: 500,
    stock: 10,
    active: true,
  },
  {
    id: 'community_star',
    nameZh: '“社区之星”荣誉',
    nameEn: '"Community star" honour',
    cost: 1000,
    stock: null,
    active: true,
  },
];

/**
 * Levels by lifetime points (earnings and adjustments; redeeming or expiring never demotes).
 * Thresholds: a resident doing one supervision round a week reaches 热心居民 in about five months;
 * 社区达人 takes a year of steady volunteering (~35 hours); 治理专家 several years of it.
 */
export const LEVELS = [
  { code: 'resident', nameZh: '居民', nameEn: 'Resident', min: 0 },
  { code: 'active_resident', nameZh: '热心居民', nameEn: 'Active resident', min: 200 },
  { code: 'community_expert', nameZh: '社区达人', nameEn: 'Community expert', min: 1000 },
  { code: 'governance_expert', nameZh: '治理专家', nameEn: 'Governance expert', min: 3000 },
] as const;

/** Badges by rule: this many earnings under that rule. */
export const BADGES = [
  {
    code: 'council_pioneer',
    nameZh: '议事先锋',
    nameEn: 'Council pioneer',
    rule: 'council_meeting',
    count: 5,
  },
  { code: 'green_guardian', nameZh: '环保卫士', nameEn: 'Green guardian', rule: 'waste_sorting', count: 10 },
  { code: 'mediator', nameZh: '调解能手', nameEn: 'Skilled mediator', rule: 'dispute_mediation', count: 3 },
] as const;

export interface LedgerEntry {
  id: string;
  accountId: string;
  kind: LedgerKind;
  amount: number;
  balanceAfter: number;
  ruleCode: string | null;
  quantity: number | null;
  cause: { type: CauseType; id: string };
  idempotencyKey: string;
  note: string | null;
  actorId: string | null;
  createdAt: number;
}

/** Port onto the accounts (users module): who holds points and what to call them. */
export interface AccountDirectory {
  person(id: string): Promise<{ id: string; role: Role; displayName: string; disabled: boolean } | undefined>;
}

export function levelFor(lifetime: number) {
  const index = LEVELS.findLastIndex((l) => lifetime >= l.min);
  const level = LEVELS[Math.max(index, 0)]!;
  const next = LEVELS[index + 1];
  return {
    code: level.code,
    nameZh: level.nameZh,
    nameEn: level.nameEn,
    min: level.min,
    nextAt: next?.min ?? null,
  };
}
