import type { RelationalStore } from '../../ports/relational-store.js';
import type { Principal } from '../users/users.model.js';
import { TeamsRepository } from './teams.repository.js';
import { WorkOrderAccess } from './work-order-access.js';
import type { HistoryEntry, Photo, WorkOrder } from './work-orders.model.js';
import {
  type ListFilter,
  type SortKey,
  toWorkOrder,
  WorkOrdersRepository,
} from './work-orders.repository.js';

export interface ListQuery extends ListFilter {
  sort?: SortKey;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export type WorkOrderDetail = WorkOrder & { history: HistoryEntry[]; photos: Photo[] };

/** Reading work orders: one with its history and photos, pages of them, the public landed list. */
export class WorkOrderQueries {
  private readonly orders: WorkOrdersRepository;
  private readonly access: WorkOrderAccess;

  constructor(store: RelationalStore) {
    this.orders = new WorkOrdersRepository(store.db);
    this.access = new WorkOrderAccess(this.orders, new TeamsRepository(store.db));
  }

  async get(actor: Principal, id: string): Promise<WorkOrderDetail> {
    const row = await this.access.visibleRow(actor, id);
    const [history, photos] = await Promise.all([this.orders.history(id), this.orders.photos(id)]);
    return { ...toWorkOrder(row), history, photos };
  }

  async list(actor: Principal, query: ListQuery) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const { rows, total } = await this.orders.list(
      query,
      await this.access.visibility(actor),
      { key: query.sort ?? 'createdAt', order: query.order ?? 'desc' },
      { offset: (page - 1) * pageSize, limit: pageSize },
    );
    return { items: rows.map(toWorkOrder), total, page, pageSize };
  }

  /** Public 建议落地清单: accepted suggestions that were carried out, without personal data. */
  async landedSuggestions(page = 1, pageSize = 20) {
    const { rows, total } = await this.orders.landedSuggestions((page - 1) * pageSize, pageSize);
    return {
      total,
      page,
      pageSize,
      items: rows.map((r) => ({
        id: r.id,
        title: r.title,
        description: r.description,
        location: r.location,
        outcome: r.completion_note,
        proposedAt: r.created_at,
        landedAt: r.completed_at ?? r.updated_at,
        rating: r.rating,
      })),
    };
  }
}
