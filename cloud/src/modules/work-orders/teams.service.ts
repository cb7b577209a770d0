import { randomUUID } from 'node:crypto';
import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { type Team, TeamsRepository } from './teams.repository.js';
import type { PeopleDirectory } from './work-orders.model.js';

/** Work teams, managed by managers. Members and the lead must be enabled accounts. */
export class TeamsService {
  private readonly teams: TeamsRepository;

  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
    private readonly people: PeopleDirectory,
    private readonly newId: () => string = randomUUID,
  ) {
    this.teams = new TeamsRepository(store.db);
  }

  async create(input: { name: string; leadId?: string; memberIds?: string[] }): Promise<Team> {
    const memberIds = [...new Set(input.memberIds ?? [])];
    for (const id of [...(input.leadId ? [input.leadId] : []), ...memberIds]) {
      const person = await this.people.person(id);
      if (!person || person.disabled) throw refuse(400, 'unknown_user', { id });
    }
    const team: Team = {
      id: this.newId(),
      name: input.name,
      leadId: input.leadId ?? null,
      memberIds,
      createdAt: this.clock.now(),
    };
    try {
      await this.teams.insert(team);
    } catch (err) {
      if (this.store.constraintViolation(err) === 'unique') {
        throw refuse(409, 'team_name_taken', { name: input.name });
      }
      throw err;
    }
    return team;
  }

  list(): Promise<Team[]> {
    return this.teams.list();
  }
}
