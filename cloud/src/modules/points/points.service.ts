import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { LinliDatabase, PointsAccountsTable } from '../../db/schema.js';
import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import {
  type AccountDirectory,
  BADGES,
  type CatalogueItem,
  type CauseType,
  DEFAULT_CATALOGUE,
  DEFAULT_RULES,
  type LedgerEntry,
  type LedgerKind,
  levelFor,
  type Rule,
} from './points.model.js';
import { PointsRepository } from './points.repository.js';

const DAY = 86_400_000;

let sequence = 0;
/**
 * Ledger ids sort in the order entries were written (time, then a process counter), so the public
 * ledger lists same-millisecond entries in order and balance_after reads as a running total.
 */
export function ledgerId(now: number): string {
  sequence = (sequence + 1) % 36 ** 4;
  return `${now.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}-${randomUUID()}`;
}

type Db = Kysely<LinliDatabase>;
type Account = Selectable<PointsAccountsTable>;

export interface PointsOptions {
  /** Days and months are the community's (China: UTC+8, no DST). */
  utcOffsetMinutes?: number;
}

interface Cause {
  type: CauseType;
  id: string;
}

/** What a write decides once it holds the account lock. */
interface Draft {
  kind: LedgerKind;
  amount: number;
  ruleCode?: string;
  quantity?: number;
  note?: string | null;
  actorId?: string | null;
  lifetimeDelta: number;
  /** More writes in the same transaction (the redemption row). */
  after?: (trx: Db, entry: LedgerEntry) => Promise<void>;
}

export interface WriteResult {
  entry: LedgerEntry;
  /** True when the idempotency key had already been used for this cause: nothing new was written. */
  replayed: boolean;
}

/**
 * Resident points: an append-only ledger (earn, redeem, adjust, expire) and the account row that
 * projects it. Every write runs in one transaction that first locks the account row, then checks
 * the idempotency key, then decides (caps, balance, stock), then appends. So a cause pays once
 * (the key is also UNIQUE in the table), and concurrent redemptions cannot overspend: each one
 * sees the balance the previous one left.
 */
export class PointsService {
  private readonly repo: PointsRepository;
  private readonly offset: number;

  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
    private readonly people: AccountDirectory,
    options: PointsOptions = {},
    private readonly newId: () => string = randomUUID,
  ) {
    this.repo = new PointsRepository(store.db, store.dialect);
    this.offset = (options.utcOffsetMinutes ?? 480) * 60_000;
  }

  /** Seeds default rules (missing codes only) and the catalogue (only if it is empty). */
  async ensureDefaults(): Promise<void> {
    const now = this.clock.now();
    await this.repo.seedRules(
      DEFAULT_RULES.map((r) => ({
        code: r.code,
        name_zh: r.nameZh,
        name_en: r.nameEn,
        points: r.points,
        unit: r.unit,
        daily_cap: r.dailyCap,
        updated_at: now,
        updated_by: null,
      })),
    );
    if ((await this.repo.catalogueSize()) > 0) return;
    for (const item of DEFAULT_CATALOGUE) {
      await this.repo.insertItem(this.itemRow(item, now));
    }
  }

  // ---- writes

  async earn(input: {
    accountId: string;
    ruleCode: string;
    quantity?: number;
    cause: Cause;
    idempotencyKey: string;
    actorId?: string | null;
    note?: string | null;
  }): Promise<WriteResult> {
    await this.resident(input.accountId);
    const rule = await this.repo.rule(input.ruleCode);
    if (!rule) throw refuse(404, 'rule_not_found', { code: input.ruleCode });
    const quantity = input.quantity ?? 1;
    return this.write(input.accountId, input.idempotencyKey, input.cause, async (trx) => {
      let amount = Math.round(rule.points * quantity);
      if (rule.dailyCap !== null) {
        const [from, to] = this.dayOf(this.clock.now());
        const used = await this.repo.earnedUnderRule(trx, input.accountId, rule.code, from, to);
        if (used >= rule.dailyCap)
          throw refuse(409, 'daily_cap_reached', { rule: rule.nameZh, cap: rule.dailyCap });
        amount = Math.min(amount, rule.dailyCap - used);
      }
      return {
        kind: 'earn',
        amount,
        ruleCode: rule.code,
        quantity,
        note: input.note,
        actorId: input.actorId,
        lifetimeDelta: amount,
      };
    });
  }

  async redeem(accountId: string, itemId: string, idempotencyKey: string = this.newId()) {
    await this.resident(accountId);
    const result = await this.write(
      accountId,
      idempotencyKey,
      { type: 'redemption', id: itemId },
      async (trx, account) => {
        const item = await this.repo.lockItem(trx, itemId);
        if (!item) throw refuse(404, 'item_not_found', { id: itemId });
        if (item.active !== 1) throw refuse(409, 'item_inactive', { item: item.name_zh });
        if (account.balance < item.cost) {
          throw refuse(
            409,
            'insufficient_points',
            { balance: account.balance, cost: item.cost },
            {
              balance: account.balance,
              cost: item.cost,
            },
          );
        }
        if (!(await this.repo.takeStock(trx, itemId, this.clock.now()))) {
          throw refuse(409, 'out_of_stock', { item: item.name_zh });
        }
        return {
          kind: 'redeem',
          amount: -item.cost,
          actorId: accountId,
          note: item.name_zh,
          lifetimeDelta: 0,
          after: (t, entry) =>
            this.repo.insertRedemption(t, {
              id: this.newId(),
              account_id: accountId,
              item_id: itemId,
              cost: item.cost,
              ledger_id: entry.id,
              created_at: entry.createdAt,
            }),
        };
      },
    );
    const redemption = await this.repo.redemptionByLedger(result.entry.id);
    return { ...result, redemptionId: redemption?.id ?? null, itemId };
  }

  /** A manager's correction, positive or negative (never below zero); counts towards lifetime. */
  async adjust(input: {
    accountId: string;
    amount: number;
    reason: string;
    actorId: string;
    idempotencyKey?: string;
  }) {
    await this.resident(input.accountId);
    const key = input.idempotencyKey ?? this.newId();
    return this.write(input.accountId, key, { type: 'staff_action', id: key }, async (_trx, account) => {
      if (account.balance + input.amount < 0) {
        throw refuse(409, 'amount_exceeds_balance', { amount: -input.amount, balance: account.balance });
      }
      return {
        kind: 'adjust',
        amount: input.amount,
        note: input.reason,
        actorId: input.actorId,
        lifetimeDelta: input.amount,
      };
    });
  }

  /** Points lapse (e.g. the yearly clearing); lifetime and so the level stay. */
  async expire(input: {
    accountId: string;
    amount: number;
    reason: string;
    actorId: string;
    idempotencyKey?: string;
  }) {
    await this.resident(input.accountId);
    const key = input.idempotencyKey ?? this.newId();
    return this.write(input.accountId, key, { type: 'expiry', id: key }, async (_trx, account) => {
      if (input.amount > account.balance) {
        throw refuse(409, 'amount_exceeds_balance', { amount: input.amount, balance: account.balance });
      }
      return {
        kind: 'expire',
        amount: -input.amount,
        note: input.reason,
        actorId: input.actorId,
        lifetimeDelta: 0,
      };
    });
  }

  private async write(
    accountId: string,
    key: string,
    cause: Cause,
    decide: (trx: Db, account: Account) => Promise<Draft>,
  ): Promise<WriteResult> {
    try {
      return await this.store.db.transaction().execute(async (trx) => {
        const account = await this.repo.lockAccount(trx, accountId, this.clock.now());
        // Read after the lock: entries of one account get non-decreasing times.
        const now = this.clock.now();
        const prior = await this.repo.byKey(key, trx);
        if (prior) return { entry: this.sameCause(prior, accountId, cause), replayed: true };
        const draft = await decide(trx, account);
        const entry: LedgerEntry = {
          id: ledgerId(now),
          accountId,
          kind: draft.kind,
          amount: draft.amount,
          balanceAfter: account.balance + draft.amount,
          ruleCode: draft.ruleCode ?? null,
          quantity: draft.quantity ?? null,
          cause,
          idempotencyKey: key,
          note: draft.note ?? null,
          actorId: draft.actorId ?? null,
          createdAt: now,
        };
        await this.repo.append(trx, entry, draft.lifetimeDelta);
        await draft.after?.(trx, entry);
        return { entry, replayed: false };
      });
    } catch (err) {
      // The same key on another account's concurrent write won the UNIQUE race.
      if (this.store.constraintViolation(err) === 'unique') {
        const prior = await this.repo.byKey(key);
        if (prior) return { entry: this.sameCause(prior, accountId, cause), replayed: true };
      }
      throw err;
    }
  }

  private sameCause(prior: LedgerEntry, accountId: string, cause: Cause): LedgerEntry {
    if (prior.accountId !== accountId || prior.cause.type !== cause.type || prior.cause.id !== cause.id) {
      throw refuse(409, 'idempotency_conflict', { key: prior.idempotencyKey });
    }
    return prior;
  }

  private async resident(accountId: string): Promise<void> {
    const person = await this.people.person(accountId);
    if (!person || person.disabled) throw refuse(404, 'unknown_user', { id: accountId });
    if (person.role !== 'resident') throw refuse(409, 'not_a_resident', { id: accountId });
  }

  // ---- reads

  async summary(accountId: string) {
    const person = await this.people.person(accountId);
    if (!person) throw refuse(404, 'unknown_user', { id: accountId });
    const [account, [derived], counts] = await Promise.all([
      this.repo.account(accountId),
      this.repo.derived(accountId),
      this.repo.ruleCounts(accountId),
    ]);
    const balance = Number(derived?.balance ?? 0);
    const lifetime = Number(derived?.lifetime ?? 0);
    const byRule = new Map(counts.map((c) => [c.rule_code, Number(c.n)]));
    return {
      accountId,
      displayName: person.displayName,
      // Derived from the ledger; `consistent` says the projection (what redemptions check) agrees.
      balance,
      lifetime,
      consistent: (account?.balance ?? 0) === balance && (account?.lifetime ?? 0) === lifetime,
      level: levelFor(lifetime),
      badges: BADGES.filter((b) => (byRule.get(b.rule) ?? 0) >= b.count).map((b) => ({
        code: b.code,
        nameZh: b.nameZh,
        nameEn: b.nameEn,
      })),
    };
  }

  /** Every account's projection against the ledger, and each entry's running balance. */
  async audit() {
    const [accounts, derived] = await Promise.all([this.repo.accounts(), this.repo.derived()]);
    const fromLedger = new Map(derived.map((d) => [d.account_id, d]));
    const mismatches = accounts
      .map((a) => {
        const d = fromLedger.get(a.account_id);
        return {
          accountId: a.account_id,
          projected: a.balance,
          ledger: Number(d?.balance ?? 0),
          projectedLifetime: a.lifetime,
          ledgerLifetime: Number(d?.lifetime ?? 0),
        };
      })
      .filter((m) => m.projected !== m.ledger || m.projectedLifetime !== m.ledgerLifetime);
    return { accounts: accounts.length, mismatches };
  }

  async ledger(filter: { accountId?: string; page?: number; pageSize?: number }) {
    const page = filter.page ?? 1;
    const pageSize = filter.pageSize ?? 50;
    const { entries, total } = await this.repo.ledger({
      accountId: filter.accountId,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    const names = await this.names(entries.map((e) => e.accountId));
    const rules = new Map((await this.repo.rules()).map((r) => [r.code, r]));
    return {
      total,
      page,
      pageSize,
      items: entries.map((e) => ({
        ...e,
        displayName: names.get(e.accountId) ?? null,
        rule: e.ruleCode ? { code: e.ruleCode, nameZh: rules.get(e.ruleCode)?.nameZh ?? e.ruleCode } : null,
      })),
    };
  }

  /** Top earners of a calendar month in community time (earnings only: redeeming does not lower a rank). */
  async leaderboard(month?: string) {
    const chosen = month ?? this.monthOf(this.clock.now());
    const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(chosen);
    if (!match) throw refuse(400, 'invalid_month', { month: chosen });
    const [year, mon] = [Number(match[1]), Number(match[2])];
    const from = Date.UTC(year, mon - 1, 1) - this.offset;
    const to = Date.UTC(year, mon, 1) - this.offset;
    const top = await this.repo.topEarners(from, to, 10);
    const names = await this.names(top.map((t) => t.account_id));
    return {
      month: chosen,
      from,
      to,
      entries: top.map((t, i) => ({
        rank: i + 1,
        accountId: t.account_id,
        displayName: names.get(t.account_id) ?? null,
        points: Number(t.points),
      })),
    };
  }

  async redemptions(accountId?: string) {
    const rows = await this.repo.redemptions(accountId);
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      itemId: r.item_id,
      cost: r.cost,
      ledgerId: r.ledger_id,
      createdAt: r.created_at,
    }));
  }

  // ---- rules and catalogue (managers)

  rules(): Promise<Rule[]> {
    return this.repo.rules();
  }

  async setRule(
    code: string,
    input: {
      points: number;
      unit?: Rule['unit'];
      dailyCap?: number | null;
      nameZh?: string;
      nameEn?: string;
    },
    actorId: string,
  ): Promise<Rule> {
    const current = await this.repo.rule(code);
    if (!current && (!input.nameZh || !input.nameEn || !input.unit)) {
      throw refuse(404, 'rule_not_found', { code });
    }
    await this.repo.upsertRule({
      code,
      name_zh: input.nameZh ?? current!.nameZh,
      name_en: input.nameEn ?? current!.nameEn,
      points: input.points,
      unit: input.unit ?? current!.unit,
      daily_cap: input.dailyCap === undefined ? (current?.dailyCap ?? null) : input.dailyCap,
      updated_at: this.clock.now(),
      updated_by: actorId,
    });
    return (await this.repo.rule(code))!;
  }

  catalogue(): Promise<CatalogueItem[]> {
    return this.repo.items();
  }

  async addItem(item: Omit<CatalogueItem, 'active'> & { active?: boolean }): Promise<CatalogueItem> {
    try {
      await this.repo.insertItem(this.itemRow({ ...item, active: item.active ?? true }, this.clock.now()));
    } catch (err) {
      if (this.store.constraintViolation(err) === 'unique')
        throw refuse(409, 'rule_exists', { code: item.id });
      throw err;
    }
    return (await this.repo.item(item.id))!;
  }

  async updateItem(
    id: string,
    changes: { cost?: number; stock?: number | null; active?: boolean; nameZh?: string; nameEn?: string },
  ): Promise<CatalogueItem> {
    const found = await this.repo.updateItem(
      id,
      {
        ...(changes.cost !== undefined && { cost: changes.cost }),
        ...(changes.stock !== undefined && { stock: changes.stock }),
        ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
        ...(changes.nameZh !== undefined && { name_zh: changes.nameZh }),
        ...(changes.nameEn !== undefined && { name_en: changes.nameEn }),
      },
      this.clock.now(),
    );
    if (!found) throw refuse(404, 'item_not_found', { id });
    return (await this.repo.item(id))!;
  }

  // ---- helpers

  private itemRow(item: CatalogueItem, now: number) {
    return {
      id: item.id,
      name_zh: item.nameZh,
      name_en: item.nameEn,
      cost: item.cost,
      stock: item.stock,
      active: item.active ? (1 as const) : (0 as const),
      created_at: now,
      updated_at: now,
    };
  }

  private async names(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    const people = await Promise.all(unique.map((id) => this.people.person(id)));
    return new Map(people.filter((p) => p !== undefined).map((p) => [p.id, p.displayName]));
  }

  private dayOf(t: number): [number, number] {
    const start = Math.floor((t + this.offset) / DAY) * DAY - this.offset;
    return [start, start + DAY];
  }

  private monthOf(t: number): string {
    const local = new Date(t + this.offset);
    return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
  }
}
