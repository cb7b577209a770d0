/**
 * Telling the sanitation crews about their route: the morning plan (or that there is no round),
 * and a change under them (an intraday re-plan for bins about to overflow, or a re-plan someone
 * asked for), without which a crew already out drives the route it loaded in the morning.
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

/** The morning plan, in figures for the notice. */
export interface RouteReady {
  date: string;
  /** Bin stops over all trucks; 0: no round today. */
  binStops: number;
  trucks: number;
  /** Planned km, rounded to 0.1. */
  km: number;
}

/** A re-plan someone asked for (the API): who, and the route's size after it. */
export interface RouteReplanned {
  date: string;
  binStops: number;
  /** Who asked (their username), and their id: they are not told what they just did. */
  by: string;
  byUserId: string;
}

/** Port: the waste service announces routes through it. */
export interface CrewNotices {
  routeReady(ready: RouteReady): Promise<void>;
  routeUpdated(update: RouteUpdate): Promise<void>;
  routeReplanned(replan: RouteReplanned): Promise<void>;
}

/** The crews are every enabled user with the sanitation role; the notice goes to their inbox. */
export class InboxCrewNotices implements CrewNotices {
  constructor(
    private readonly users: { list(): Promise<User[]> },
    private readonly notifier: Notifier,
  ) {}

  async routeReady(ready: RouteReady): Promise<void> {
    await this.notifier.notify(await this.crews(), { kind: 'waste_route_ready', params: { ...ready } });
  }

  async routeUpdated(update: RouteUpdate): Promise<void> {
    await this.notifier.notify(await this.crews(), { kind: 'waste_route_updated', params: { ...update } });
  }

  async routeReplanned({ byUserId, ...replan }: RouteReplanned): Promise<void> {
    const others = (await this.crews()).filter((id) => id !== byUserId);
    await this.notifier.notify(others, { kind: 'waste_route_replanned', params: { ...replan } });
  }

  private async crews(): Promise<string[]> {
    return (await this.users.list()).filter((u) => u.role === 'sanitation' && !u.disabled).map((u) => u.id);
  }
}
