import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { installLocalizedErrorHandler } from './i18n/error-handler.js';
import type { Metrics } from './metrics.js';
import { devicesRoutes } from './modules/devices/devices.routes.js';
import type { DeadLetterStore } from './modules/ingest/dead-letters.js';
import { ingestRoutes } from './modules/ingest/ingest.routes.js';
import type { IngestService } from './modules/ingest/ingest.service.js';
import { type RegistryApiOptions, registryApi } from './modules/registry/registry.module.js';
import type { RelationalStore } from './ports/relational-store.js';
import type { TimeseriesStore } from './ports/timeseries-store.js';

export interface AppDeps {
  logger: Logger;
  store: TimeseriesStore;
  deadLetters: DeadLetterStore;
  ingest: IngestService;
  metrics: Metrics;
  /** Reported by /health: whether the MQTT side is up. */
  brokerHealthy: () => boolean;
  /** Registry, users and provisioning API (/api/auth, /api/grids, /api/gateways, …) and its store. */
  registry?: RegistryApiOptions & { store: RelationalStore };
}

/** Builds the HTTP app; it never listens, so tests use app.inject. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
  }).withTypeProvider<TypeBoxTypeProvider>();
  installLocalizedErrorHandler(app);
  // Registered before any route: @fastify/swagger collects routes as they are added.
  await app.register(swagger, {
    openapi: {
      info: { title: 'Linli API', version: '0.1.0' },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', async (_request, reply) => {
    const [store, broker] = [await deps.store.ping(), deps.brokerHealthy()];
    const relational = deps.registry && {
      name: deps.registry.store.dialect,
      ok: await deps.registry.store.ping(),
    };
    const ok = store && broker && relational?.ok !== false;
    return reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      store: { name: deps.store.name, ok: store },
      broker: { ok: broker },
      relational,
    });
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  await app.register(devicesRoutes, { store: deps.store });
  await app.register(ingestRoutes, { deadLetters: deps.deadLetters, ingest: deps.ingest });
  if (deps.registry) await app.register(registryApi, deps.registry);
  return app;
}
