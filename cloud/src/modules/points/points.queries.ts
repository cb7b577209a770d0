import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { CommunityTime } from './community-time.js';
import { type AccountDirectory, BADGES, levelFor } from './points.model.js';
import { PointsRepository } from './points.repository.js';

/**
 * What the ledger says: a resident's standing (balance and lifetime summed from the ledger, level,
 * badges), the public ledger, the monthly leaderboard, redemptions, and the audit of every account
 * projection against the ledger.
 */
export class PointsQueries {
  private readonly repo: PointsRepository;

  constructor(
    store: RelationalStore,
    private readonly clock: Clock,
    private readonly people: AccountDirectory,
    private readonly time: CommunityTime,
  ) {
    this.repo = new PointsRepository(store.db, store.dialect);
  }

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
    const chosen = month ?? this.time.monthOf(this.clock.now());
    const range = this.time.monthRange(chosen);
    if (!range) throw refuse(400, 'invalid_month', { month: chosen });
    const [from, to] = range;
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

  private async names(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    const people = await Promise.all(unique.map((id) => this.people.person(id)));
    return new Map(people.filter((p) => p !== undefined).map((p) => [p.id, p.displayName]));
  }
}
