import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { LinliDatabase, PointsAccountsTable } from '../../db/schema.js';
import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { CommunityTime } from './community-time.js';
import type { AccountDirectory, CauseType, LedgerEntry, LedgerKind } from './points.model.js';
import { PointsRepository } from './points.repository.js';

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

  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
    private readonly people: AccountDirectory,
    private readonly time: CommunityTime,
    private readonly newId: () => string = randomUUID,
  ) {
    this.repo = new PointsRepository(store.db, store.dialect);
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
        const [from, to] = this.time.dayOf(this.clock.now());
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
}
