import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { type CatalogueItem, DEFAULT_CATALOGUE, DEFAULT_RULES, type Rule } from './points.model.js';
import { PointsRepository } from './points.repository.js';

/** The rule table and the redemption catalogue, seeded with defaults and edited by managers. */
export class CatalogueService {
  private readonly repo: PointsRepository;

  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
  ) {
    this.repo = new PointsRepository(store.db, store.dialect);
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
}
