import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { type BusLogger, EventBus } from '../../events/event-bus.js';
import type { GovernanceEvents } from '../../events/governance-events.js';
import { installLocalizedErrorHandler } from '../../i18n/error-handler.js';
import type { Job } from '../../jobs/scheduler.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { InAppNotifier } from '../notifications/in-app-notifier.js';
import { notificationsRoutes } from '../notifications/notifications.routes.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { Notifier } from '../notifications/notifier.port.js';
import { CatalogueService } from '../points/catalogue.service.js';
import { CommunityTime } from '../points/community-time.js';
import { subscribePointsToWorkOrders } from '../points/points.listeners.js';
import { PointsQueries } from '../points/points.queries.js';
import { pointsRoutes } from '../points/points.routes.js';
import { PointsService } from '../points/points.service.js';
import type { GuardedContext } from '../registry/registry.module.js';
import type { UsersService } from '../users/users.service.js';
import { photosRoutes } from '../work-orders/photos.routes.js';
import { PhotosService } from '../work-orders/photos.service.js';
import { slaRoutes } from '../work-orders/sla.routes.js';
import { SlaService } from '../work-orders/sla.service.js';
import { TeamsService } from '../work-orders/teams.service.js';
import type { PeopleDirectory } from '../work-orders/work-orders.model.js';
import { subscribeWorkOrderNotifications } from '../work-orders/work-orders.notifications.js';
import { WorkOrderQueries } from '../work-orders/work-orders.queries.js';
import { workOrdersRoutes } from '../work-orders/work-orders.routes.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';

/** Work orders, notifications and points on the relational store, joined by the event bus. */
export interface GovernanceModule {
  bus: EventBus<GovernanceEvents>;
  workOrders: WorkOrdersService;
  workOrderQueries: WorkOrderQueries;
  sla: SlaService;
  teams: TeamsService;
  photos: PhotosService;
  points: PointsService;
  pointsQueries: PointsQueries;
  /** Rules and catalogue; ensureDefaults() seeds them at start. */
  catalogue: CatalogueService;
  notifications: NotificationsService;
  notifier: Notifier;
  /** The scheduler jobs this module needs (escalation every minute). */
  jobs: Job[];
  /** Unsubscribes the bus listeners. */
  close(): void;
}

export interface GovernanceDeps {
  store: RelationalStore;
  clock: Clock;
  users: UsersService;
  logger: BusLogger;
  /** Photos go to DATA_DIR/work-order-photos. */
  dataDir: string;
  /** Replaces the in-app notifier (tests; SMS/WeChat fan-out later). */
  notifier?: Notifier;
}

/** The users module seen through the governance modules' port. */
export function peopleFrom(users: UsersService): PeopleDirectory {
  return {
    async person(id) {
      const u = await users.get(id);
      return (
        u && { id: u.id, role: u.role, displayName: u.displayName, gridId: u.gridId, disabled: u.disabled }
      );
    },
    async managers() {
      return (await users.list()).filter((u) => u.role === 'manager' && !u.disabled).map((u) => u.id);
    },
  };
}

export function createGovernanceModule(deps: GovernanceDeps): GovernanceModule {
  const { store, clock } = deps;
  const people = peopleFrom(deps.users);
  const bus = new EventBus<GovernanceEvents>(deps.logger);
  const notifier = deps.notifier ?? new InAppNotifier(store, clock);
  const sla = new SlaService(store, clock, people, bus);
  const workOrders = new WorkOrdersService(store, clock, people, sla, bus);
  const time = new CommunityTime();
  const points = new PointsService(store, clock, people, time);
  const unsubscribe = [
    subscribeWorkOrderNotifications(bus, store, notifier),
    subscribePointsToWorkOrders(bus, points),
  ];
  return {
    bus,
    workOrders,
    workOrderQueries: new WorkOrderQueries(store),
    sla,
    teams: new TeamsService(store, clock, people),
    photos: new PhotosService(store, clock, workOrders, join(deps.dataDir, 'work-order-photos')),
    points,
    pointsQueries: new PointsQueries(store, clock, people, time),
    catalogue: new CatalogueService(store, clock),
    notifications: new NotificationsService(store, clock),
    notifier,
    jobs: [
      { name: 'work-orders.escalate', schedule: '* * * * *', run: (now) => sla.escalate(now) },
      // Hourly, over the last day: recovers awards lost between commit and delivery (a restart
      // within a day, a listener that failed on a transient error). Idempotent keys: no double pay.
      {
        name: 'work-orders.republish-awards',
        schedule: '17 * * * *',
        run: (now) => workOrders.republishAwards(now - 26 * 3600_000),
      },
    ],
    close: () => {
      for (const off of unsubscribe) off();
    },
  };
}

/**
 * The governance routes as a registry-API extension: they run inside the registry's context, where
 * the JWT verifier and the guard live (one login works everywhere). The localising error handler
 * (zh-CN default, en by Accept-Language) is set in this plugin, so it applies to these routes only.
 */
export function governanceRoutes(module: GovernanceModule): FastifyPluginAsync<GuardedContext> {
  return async (app, { guard }) => {
    installLocalizedErrorHandler(app);
    await app.register(workOrdersRoutes, {
      workOrders: module.workOrders,
      queries: module.workOrderQueries,
      guard,
    });
    await app.register(photosRoutes, { photos: module.photos, guard });
    await app.register(slaRoutes, { sla: module.sla, teams: module.teams, guard });
    await app.register(pointsRoutes, {
      points: module.points,
      queries: module.pointsQueries,
      catalogue: module.catalogue,
      guard,
    });
    await app.register(notificationsRoutes, { notifications: module.notifications, guard });
  };
}
