import type { Kysely, Selectable } from 'kysely';
import type {
  LinliDatabase,
  PointsAccountsTable,
  PointsCatalogueTable,
  PointsLedgerTable,
  PointsRulesTable,
} from '../../db/schema.js';
import type { CatalogueItem, CauseType, LedgerEntry, LedgerKind, Rule } from './points.model.js';

type Db = Kysely<LinliDatabase>;

export const toEntry = (r: Selectable<PointsLedgerTable>): LedgerEntry => ({
  id: r.id,
  accountId: r.account_id,
  kind: r.kind as LedgerKind,
  amount: r.amount,
  balanceAfter: r.balance_after,
  ruleCode: r.rule_code,
  quantity: r.quantity === null ? null : Number(r.quantity),
  cause: { type: r.cause_type as CauseType, id: r.cause_id },
  idempotencyKey: r.idempotency_key,
  note: r.note,
  actorId: r.actor_id,
  createdAt: r.created_at,
});

export const toRule = (r: Selectable<PointsRulesTable>): Rule => ({
  code: r.code,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  points: r.points,
  unit: r.unit as Rule['unit'],
  dailyCap: r.daily_cap,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

export const toItem = (r: Selectable<PointsCatalogueTable>): CatalogueItem => ({
  id: r.id,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  cost: r.cost,
  stock: r.stock,
  active: r.active === 1,
});

/**
 * The points tables. Ledger rows are only ever inserted (no update or delete exists here); the
 * account row is the ledger's running projection, written in the same transaction.
 */
export class PointsRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  /**
   * The account row, locked for the rest of the transaction. On PostgreSQL SELECT … FOR UPDATE
   * makes concurrent writers to one account queue here and re-read the committed balance; SQLite
   * has one writer at a time (and Kysely runs its transactions on one connection), so there the
   * transaction alone serialises them.
   */
  async lockAccount(trx: Db, accountId: string, now: number): Promise<Selectable<PointsAccountsTable>> {
    await trx
      .insertInto('points_accounts')
      .values({ account_id: accountId, balance: 0, lifetime: 0, updated_at: now })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
    return trx
      .selectFrom('points_accounts')
      .selectAll()
      .where('account_id', '=', accountId)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirstOrThrow();
  }

  async lockItem(trx: Db, id: string): Promise<Selectable<PointsCatalogueTable> | undefined> {
    return trx
      .selectFrom('points_catalogue')
      .selectAll()
      .where('id', '=', id)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  /** Takes one from stock if any is left (the condition makes it safe even without the lock). */
  async takeStock(trx: Db, id: string, now: number): Promise<boolean> {
    const result = await trx
      .updateTable('points_catalogue')
      .set((eb) => ({ stock: eb('stock', '-', 1), updated_at: now }))
      .where('id', '=', id)
      .where((eb) => eb.or([eb('stock', 'is', null), eb('stock', '>', 0)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async byKey(key: string, db: Db = this.db): Promise<LedgerEntry | undefined> {
    const row = await db
      .selectFrom('points_ledger')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row && toEntry(row);
  }

  /** Appends an entry and moves the (locked) account's projection with it. */
  async append(trx: Db, e: LedgerEntry, lifetimeDelta: number): Promise<void> {
    await trx
      .insertInto('points_ledger')
      .values({
        id: e.id,
        account_id: e.accountId,
        kind: e.kind,
        amount: e.amount,
        balance_after: e.balanceAfter,
        rule_code: e.ruleCode,
        quantity: e.quantity,
        cause_type: e.cause.type,
        cause_id: e.cause.id,
        idempotency_key: e.idempotencyKey,
        note: e.note,
        actor_id: e.actorId,
        created_at: e.createdAt,
      })
      .execute();
    await trx
      .updateTable('points_accounts')
      .set((eb) => ({
        balance: e.balanceAfter,
        lifetime: eb('lifetime', '+', lifetimeDelta),
        updated_at: e.createdAt,
      }))
      .where('account_id', '=', e.accountId)
      .execute();
  }

  async earnedUnderRule(trx: Db, accountId: string, rule: string, from: number, to: number): Promise<number> {
    const { total } = await trx
      .selectFrom('points_ledger')
      .select((eb) => eb.fn.sum<number | string | null>('amount').as('total'))
      .where('account_id', '=', accountId)
      .where('rule_code', '=', rule)
      .where('kind', '=', 'earn')
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .executeTakeFirstOrThrow();
    return Number(total ?? 0);
  }

  async insertRedemption(
    trx: Db,
    row: {
      id: string;
      account_id: string;
      item_id: string;
      cost: number;
      ledger_id: string;
      created_at: number;
    },
  ): Promise<void> {
    await trx.insertInto('points_redemptions').values(row).execute();
  }

  async redemptionByLedger(ledgerId: string) {
    return this.db
      .selectFrom('points_redemptions')
      .selectAll()
      .where('ledger_id', '=', ledgerId)
      .executeTakeFirst();
  }

  async redemptions(accountId?: string) {
    return this.db
      .selectFrom('points_redemptions')
      .selectAll()
      .$if(accountId !== undefined, (q) => q.where('account_id', '=', accountId!))
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
  }

  async account(accountId: string) {
    return this.db
      .selectFrom('points_accounts')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
  }

  /** Balance and lifetime recomputed from the ledger alone. */
  async derived(accountId?: string) {
    return this.db
      .selectFrom('points_ledger')
      .select((eb) => [
        'account_id',
        eb.fn.sum<number | string>('amount').as('balance'),
        eb.fn
          .sum<number | string>(
            eb.case().when('kind', 'in', ['earn', 'adjust']).then(eb.ref('amount')).else(0).end(),
          )
          .as('lifetime'),
        eb.fn.countAll<number | string>().as('entries'),
      ])
      .$if(accountId !== undefined, (q) => q.where('account_id', '=', accountId!))
      .groupBy('account_id')
      .execute();
  }

  async accounts() {
    return this.db.selectFrom('points_accounts').selectAll().execute();
  }

  async ruleCounts(accountId: string) {
    return this.db
      .selectFrom('points_ledger')
      .select((eb) => ['rule_code', eb.fn.countAll<number | string>().as('n')])
      .where('account_id', '=', accountId)
      .where('kind', '=', 'earn')
      .where('rule_code', 'is not', null)
      .groupBy('rule_code')
      .execute();
  }

  async ledger(filter: { accountId?: string; offset: number; limit: number }) {
    const base = this.db
      .selectFrom('points_ledger')
      .$if(filter.accountId !== undefined, (q) => q.where('account_id', '=', filter.accountId!));
    const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(filter.offset)
      .limit(filter.limit)
      .execute();
    return { entries: rows.map(toEntry), total: Number(n) };
  }

  async topEarners(from: number, to: number, limit: number) {
    return this.db
      .selectFrom('points_ledger')
      .select((eb) => ['account_id', eb.fn.sum<number | string>('amount').as('points')])
      .where('kind', '=', 'earn')
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy('account_id')
      .orderBy('points', 'desc')
      .orderBy('account_id')
      .limit(limit)
      .execute();
  }

  // ---- rules and catalogue
  async rules(): Promise<Rule[]> {
    return (await this.db.selectFrom('points_rules').selectAll().orderBy('code').execute()).map(toRule);
  }

  async rule(code: string, db: Db = this.db): Promise<Rule | undefined> {
    const row = await db.selectFrom('points_rules').selectAll().where('code', '=', code).executeTakeFirst();
    return row && toRule(row);
  }

  async seedRules(rows: Selectable<PointsRulesTable>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('points_rules')
      .values(rows)
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }

  async upsertRule(row: Selectable<PointsRulesTable>): Promise<void> {
    const { code: _code, ...changes } = row;
    await this.db
      .insertInto('points_rules')
      .values(row)
      .onConflict((oc) => oc.column('code').doUpdateSet(changes))
      .execute();
  }

  async items(): Promise<CatalogueItem[]> {
    return (
      await this.db.selectFrom('points_catalogue').selectAll().orderBy('cost').orderBy('id').execute()
    ).map(toItem);
  }

  async item(id: string): Promise<CatalogueItem | undefined> {
    const row = await this.db
      .selectFrom('points_catalogue')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toItem(row);
  }

  async catalogueSize(): Promise<number> {
    const { n } = await this.db
      .selectFrom('points_catalogue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async insertItem(row: Selectable<PointsCatalogueTable>): Promise<void> {
    await this.db.insertInto('points_catalogue').values(row).execute();
  }

  async updateItem(
    id: string,
    changes: Partial<
      Pick<Selectable<PointsCatalogueTable>, 'cost' | 'stock' | 'active' | 'name_zh' | 'name_en'>
    >,
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('points_catalogue')
      .set({ ...changes, updated_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
