import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ID_PATTERN } from '../../../../protocols/src/index.js';
import type { TimeseriesStore } from '../../ports/timeseries-store.js';

const ReadingOut = Type.Object({
  device: Type.String(),
  gatewayId: Type.String(),
  ts: Type.Integer(),
  seq: Type.Integer(),
  quality: Type.String(),
  values: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String()])),
});

export const devicesRoutes: FastifyPluginAsyncTypebox<{ store: TimeseriesStore }> = async (
  app,
  { store },
) => {
  app.get(
    '/api/devices/:id/readings',
    {
      schema: {
        tags: ['devices'],
        summary: 'Readings of one device, newest first',
        params: Type.Object({ id: Type.String({ pattern: ID_PATTERN }) }),
        querystring: Type.Object({
          from: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since epoch, inclusive' })),
          to: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since epoch, inclusive' })),
          limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
        }),
        response: { 200: Type.Object({ device: Type.String(), readings: Type.Array(ReadingOut) }) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const readings = await store.readings({ device: id, ...request.query });
      return { device: id, readings };
    },
  );
};
