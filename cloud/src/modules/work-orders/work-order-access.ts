import type { Principal } from '../users/users.model.js';
import { orderNotFound } from './refusals.js';
import type { TeamsRepository } from './teams.repository.js';
import type { Visibility, WorkOrderRow, WorkOrdersRepository } from './work-orders.repository.js';

export const isManager = (p: Principal | null) => p === null || p.role === 'manager' || p.role === 'admin';

/**
 * Who sees which orders: managers and admins all; everyone else those they reported, are assigned,
 * or that belong to a team they lead or are in. An order someone may not see is "not found", like
 * an unknown one, so ids cannot be probed.
 */
export class WorkOrderAccess {
  constructor(
    private readonly orders: WorkOrdersRepository,
    private readonly teams: TeamsRepository,
  ) {}

  async row(id: string): Promise<WorkOrderRow> {
    const row = await this.orders.byId(id);
    if (!row) throw orderNotFound(id);
    return row;
  }

  async visibility(actor: Principal): Promise<Visibility> {
    if (isManager(actor)) return { all: true };
    return { all: false, userId: actor.id, teamIds: await this.teams.teamIdsOf(actor.id) };
  }

  async visibleRow(actor: Principal, id: string): Promise<WorkOrderRow> {
    const row = await this.row(id);
    const v = await this.visibility(actor);
    if (v.all) return row;
    const linked =
      row.reporter_id === actor.id ||
      row.assignee_id === actor.id ||
      (row.team_id !== null && v.teamIds.includes(row.team_id));
    if (!linked) throw orderNotFound(id);
    return row;
  }
}
