import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ID_PATTERN } from '../../../../protocols/src/index.js';
import { bearerAuth } from '../auth/guard.js';
import type { GuardedContext } from '../registry/registry.module.js';
import type { GatewayConfigService } from './gateway-config.service.js';

const Params = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });

export function gatewayConfigRoutes(
  service: GatewayConfigService,
): FastifyPluginAsyncTypebox<GuardedContext> {
  return async (app, { guard, module }) => {
    app.put(
      '/api/gateways/:id/config',
      {
        preHandler: guard.require('installer', 'manager'),
        schema: {
          tags: ['gateways'],
          summary:
            "Publish a gateway's polling config (buses, devices); the gateway applies it without restarting",
          security: bearerAuth,
          params: Params,
          body: Type.Object({ config: Type.Record(Type.String(), Type.Unknown()) }),
        },
      },
      async (request, reply) => {
        await module.registry.getGateway(request.params.id); // 404 for an unknown gateway
        const rc = await service.publish(request.params.id, request.body.config);
        return reply.status(202).send({ version: rc.version, hash: rc.hash });
      },
    );
    app.get(
      '/api/gateways/:id/config',
      {
        preHandler: guard.require('installer', 'manager'),
        schema: {
          tags: ['gateways'],
          summary: 'The last config published to a gateway and its answer (applied, rejected, rolled back)',
          security: bearerAuth,
          params: Params,
        },
      },
      async (request) => {
        await module.registry.getGateway(request.params.id);
        return service.get(request.params.id);
      },
    );
  };
}
