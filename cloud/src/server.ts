import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type EmbeddedBroker, startEmbeddedBroker } from './adapters/aedes-broker.js';
import { BrokerAccess } from './adapters/broker-access.js';
import { InfluxTimeseriesStore } from './adapters/influx.js';
import { startMqttIngest } from './adapters/mqtt-ingest-client.js';
import { SqliteTimeseriesStore } from './adapters/sqlite-timeseries.js';
import { buildApp } from './app.js';
import type { CloudConfig } from './config.js';
import { Scheduler } from './jobs/scheduler.js';
import { createMetrics } from './metrics.js';
import { gatewayConfigRoutes } from './modules/gateway-config/gateway-config.routes.js';
import { GatewayConfigService } from './modules/gateway-config/gateway-config.service.js';
import {
  createGovernanceModule,
  type GovernanceModule,
  governanceRoutes,
} from './modules/governance/governance.module.js';
import { DeadLetterStore } from './modules/ingest/dead-letters.js';
import { IngestService } from './modules/ingest/ingest.service.js';
import { Spool } from './modules/ingest/spool.js';
import { mosquittoSync } from './modules/provisioning/mosquitto-sync.js';
import { type RunningRegistry, startRegistry } from './modules/registry/start-registry.js';
import { InboxCrewNotices } from './modules/waste-routing/crew-notices.js';
import { wasteConfigInZone } from './modules/waste-routing/waste-routing.config.js';
import { wasteRoutingJobs } from './modules/waste-routing/waste-routing.job.js';
import { wasteRoutingRoutes } from './modules/waste-routing/waste-routing.routes.js';
import { WasteRoutingService } from './modules/waste-routing/waste-routing.service.js';
import { applyWasteSettings } from './modules/waste-routing/waste-settings.js';
import { WorkOrderUrgentAlerts } from './modules/waste-routing/work-order-alerts.js';
import { systemClock } from './ports/clock.js';
import type { TimeseriesStore } from './ports/timeseries-store.js';

export interface RunningCloud {
  app: FastifyInstance;
  url: string;
  mqttUrl: string;
  store: TimeseriesStore;
  ingest: IngestService;
  /** Relational store, registry/users/provisioning services (gatewayAuth for the MQTT side). */
  registry: RunningRegistry;
  /** Work orders, notifications and points (on the registry's relational store). */
  governance: GovernanceModule;
  /** Waste pickup planning, on the settings it was started with (`config`). */
  wasteRouting: WasteRoutingService;
  stop(): Promise<void>;
}

async function createStore(config: CloudConfig, logger: Logger): Promise<TimeseriesStore> {
  if (!config.influx) return new SqliteTimeseriesStore(join(config.dataDir, 'timeseries.db'));
  const influx = new InfluxTimeseriesStore(config.influx);
  try {
    await influx.ensureDatabase();
  } catch (err) {
    // Not fatal: ingest retries writes until InfluxDB answers, holding acks meanwhile.
    logger.warn({ err: (err as Error).message }, 'InfluxDB not reachable at start; will keep retrying');
  }
  return influx;
}

/** Composition root of the cloud service: stores, ingest, broker side, HTTP API. */
export async function startCloud(config: CloudConfig, logger: Logger): Promise<RunningCloud> {
  const metrics = createMetrics();
  const store = await createStore(config, logger);
  const deadLetters = new DeadLetterStore(join(config.dataDir, 'dead-letters.db'));
  metrics.deadLetters.set(deadLetters.count());
  const spool = new Spool(join(config.dataDir, 'ingest-spool.db'));
  const ingest = new IngestService(store, deadLetters, spool, metrics, logger.child({ module: 'ingest' }));
  ingest.start();
  const onTelemetry = (topic: string, payload: Buffer) => ingest.handle(topic, payload);
  let mqttUrl: string | undefined;
  const internalMqtt =
    config.mqtt.username && config.mqtt.password
      ? { username: config.mqtt.username, password: config.mqtt.password }
      : undefined;
  const registry = await startRegistry(
    {
      dataDir: config.dataDir,
      databaseUrl: config.database.url,
      jwtSecret: config.auth.jwtSecret,
      adminPassword: config.auth.adminPassword,
      mqttUrl: () => config.publicMqttUrl ?? mqttUrl,
      internalMqtt,
    },
    logger.child({ module: 'registry' }),
  );
  const governance = createGovernanceModule({
    store: registry.store,
    clock: systemClock,
    users: registry.module.users,
    logger: logger.child({ module: 'governance' }),
    dataDir: config.dataDir,
  });
  await governance.catalogue.ensureDefaults();
  const scheduler = new Scheduler(systemClock, logger.child({ module: 'jobs' }), {
    timezone: config.timezone,
  });
  for (const job of governance.jobs) scheduler.add(job);
  // Waste pickup: morning plan and fire/tilt checks; urgent bins open work orders.
  const wasteRouting = new WasteRoutingService(
    registry.store,
    store,
    registry.module.registry,
    new WorkOrderUrgentAlerts(governance.workOrders, registry.module.registry),
    systemClock,
    {
      // Defaults in the deployment's zone, the settings file (WASTE_CONFIG) over them, WASTE_POLICY last.
      ...applyWasteSettings(wasteConfigInZone(config.timezone, systemClock.now()), {
        settings: config.waste.settings,
        ...(config.waste.road ? { road: config.waste.road } : {}),
      }),
      policy: config.waste.policy,
    },
    new InboxCrewNotices(registry.module.users, governance.notifier),
  );
  for (const job of wasteRoutingJobs(wasteRouting)) scheduler.add(job);

  // A gateway may only report devices that are not registered to another gateway.
  ingest.setDeviceGuard((gatewayId, deviceId) =>
    registry.module.registry.recordSeenDevice(gatewayId, deviceId),
  );

  // An external Mosquitto learns gateway credentials from generated files: write them before
  // connecting (the cloud's own user is in them too), and again whenever credentials change.
  const syncMosquitto = config.mosquittoFiles
    ? mosquittoSync(
        registry.module.provisioning,
        { ...config.mosquittoFiles, ...(internalMqtt ? { internal: internalMqtt } : {}) },
        logger,
      )
    : undefined;
  if (syncMosquitto) {
    await syncMosquitto();
    await new Promise((resolve) => setTimeout(resolve, 300)); // Mosquitto rereads the files asynchronously on SIGHUP
  }

  let embedded: EmbeddedBroker | undefined;
  let external: Awaited<ReturnType<typeof startMqttIngest>> | undefined;
  if (config.mqtt.url) {
    external = await startMqttIngest({ ...config.mqtt, url: config.mqtt.url, logger, onTelemetry });
    mqttUrl = config.mqtt.url;
  } else {
    if (config.mqtt.allowAnonymous)
      logger.warn(
        'MQTT_ALLOW_ANONYMOUS=true: clients without credentials may connect and are not limited by the gateway ACL',
      );
    embedded = await startEmbeddedBroker({
      host: config.mqtt.embeddedHost,
      port: config.mqtt.embeddedPort,
      logger,
      access: new BrokerAccess(registry.module.gatewayAuth, config.mqtt.allowAnonymous),
      onRefused: (what) => metrics.brokerRefusals.inc({ what }),
      onTelemetry,
    });
    mqttUrl = `mqtt://${config.mqtt.embeddedHost}:${embedded.port}`;
  }

  const channel = (external?.channel ?? embedded?.channel)!;
  const gatewayConfig = new GatewayConfigService(
    channel,
    systemClock,
    logger.child({ module: 'gateway-config' }),
  );
  await gatewayConfig.start();

  const app = await buildApp({
    logger,
    store,
    deadLetters,
    ingest,
    metrics,
    registry: {
      ...registry.api,
      extensions: [
        ...(registry.api.extensions ?? []),
        gatewayConfigRoutes(gatewayConfig),
        governanceRoutes(governance),
        wasteRoutingRoutes(wasteRouting),
      ],
      ...(syncMosquitto ? { onCredentialsChanged: syncMosquitto } : {}),
      store: registry.store,
    },
    brokerHealthy: () => (external ? external.client.connected : embedded !== undefined),
  });
  const url = await app.listen({ host: config.host, port: config.port });
  logger.info({ url, mqttUrl, store: store.name }, 'cloud service ready');
  scheduler.start();

  return {
    app,
    url,
    mqttUrl,
    store,
    ingest,
    registry,
    governance,
    wasteRouting,
    async stop() {
      await scheduler.stop();
      // Broker side first, so nothing new arrives while the spool drainer winds down.
      await external?.close();
      await embedded?.close();
      await ingest.stop();
      await app.close();
      governance.close();
      await store.close();
      deadLetters.close();
      await registry.close();
      spool.close();
    },
  };
}
