import type { Kysely } from 'kysely';
import type { LinliDatabase } from '../../db/schema.js';

export interface Team {
  id: string;
  name: string;
  leadId: string | null;
  memberIds: string[];
  createdAt: number;
}

/** Work teams (班组): a lead and members, the unit orders are dispatched to and escalated within. */
export class TeamsRepository {
  constructor(private readonly db: Kysely<LinliDatabase>) {}

  async insert(team: Team): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('work_teams')
        .values({ id: team.id, name: team.name, lead_id: team.leadId, created_at: team.createdAt })
        .execute();
      if (team.memberIds.length > 0) {
        await trx
          .insertInto('work_team_members')
          .values(team.memberIds.map((user_id) => ({ team_id: team.id, user_id })))
          .execute();
      }
    });
  }

  async list(): Promise<Team[]> {
    const [teams, members] = await Promise.all([
      this.db.selectFrom('work_teams').selectAll().orderBy('name').execute(),
      this.db.selectFrom('work_team_members').selectAll().orderBy('user_id').execute(),
    ]);
    return teams.map((t) => ({
      id: t.id,
      name: t.name,
      leadId: t.lead_id,
      memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.user_id),
      createdAt: t.created_at,
    }));
  }

  async byId(id: string): Promise<Team | undefined> {
    return (await this.list()).find((t) => t.id === id);
  }

  /** Teams a user leads or belongs to: what a staff member sees and may work on. */
  async teamIdsOf(userId: string): Promise<string[]> {
    const [led, member] = await Promise.all([
      this.db.selectFrom('work_teams').select('id').where('lead_id', '=', userId).execute(),
      this.db.selectFrom('work_team_members').select('team_id').where('user_id', '=', userId).execute(),
    ]);
    return [...new Set([...led.map((r) => r.id), ...member.map((r) => r.team_id)])];
  }

  async leadOf(teamId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('work_teams')
      .select('lead_id')
      .where('id', '=', teamId)
      .executeTakeFirst();
    return row?.lead_id ?? null;
  }

  async memberIds(teamId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('work_team_members')
      .select('user_id')
      .where('team_id', '=', teamId)
      .execute();
    return rows.map((r) => r.user_id);
  }
}

export interface SlaPolicyRow {
  category: string;
  response_minutes: number;
  updated_at: number;
  updated_by: string | null;
}

/** Per-category response deadlines edited by managers (overrides of the code defaults). */
export class SlaRepository {
  constructor(private readonly db: Kysely<LinliDatabase>) {}

  all(): Promise<SlaPolicyRow[]> {
    return this.db.selectFrom('sla_policies').selectAll().execute();
  }

  async upsert(row: SlaPolicyRow): Promise<void> {
    await this.db
      .insertInto('sla_policies')
      .values(row)
      .onConflict((oc) =>
        oc.column('category').doUpdateSet({
          response_minutes: row.response_minutes,
          updated_at: row.updated_at,
          updated_by: row.updated_by,
        }),
      )
      .execute();
  }
}
