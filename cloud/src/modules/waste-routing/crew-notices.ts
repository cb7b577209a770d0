/**
 * Telling the sanitation crews that today's route changed under them (an intraday re-plan for bins
 * about to overflow): without it a crew already out drives the route it loaded in the morning.
 */
import type { Notifier } from '../notifications/notifier.port.js';
import type { User } from '../users/users.model.js';

export interface RouteUpdate {
  /** Local date of the round (YYYY-MM-DD). */
  date: string;
  /** Bin stops on the new route that the route before did not have. */
  addedStops: number;
  /** Bins the check found about to overflow. */
  urgentBins: number;
}

/** Port: the waste service announces route changes through it. */
export interface CrewNotices {
  routeUpdated(update: RouteUpdate): Promise<void>;
}

/** The crews are every enabled user with the sanitation role; the notice goes to their inbox. */
export class InboxCrewNotices implements CrewNotices {
  constructor(
    private readonly users: { list(): Promise<User[]> },
    private readonly notifier: Notifier,
  ) {}

  async routeUpdated(update: RouteUpdate): Promise<void> {
    const crews = (await this.users.list()).filter((u) => u.role === 'sanitation' && !u.disabled);
    await this.notifier.notify(
      crews.map((u) => u.id),
      { kind: 'waste_route_updated', params: { ...update } },
    );
  }
}
