import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ID_PATTERN } from '../../../../protocols/src/index.js';
import { refuse } from '../../i18n/localized-error.js';
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

  app.get(
    '/api/devices/:id/aggregate',
    {
      schema: {
        tags: ['devices'],
        summary: 'One field aggregated per time window (windows without data are left out)',
        params: Type.Object({ id: Type.String({ pattern: ID_PATTERN }) }),
        querystring: Type.Object({
          field: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
          fn: Type.Union([
            Type.Literal('mean'),
            Type.Literal('min'),
            Type.Literal('max'),
            Type.Literal('sum'),
            Type.Literal('last'),
            Type.Literal('count'),
          ]),
          window: Type.Union([Type.Literal('1m'), Type.Literal('1h'), Type.Literal('1d')]),
          from: Type.Integer({ minimum: 0, description: 'ms since epoch, inclusive' }),
          to: Type.Integer({ minimum: 0, description: 'ms since epoch, exclusive' }),
          utcOffsetHours: Type.Integer({
            minimum: -12,
            maximum: 14,
            default: 8,
            description: 'day windows start at local midnight',
          }),
        }),
        response: {
          200: Type.Object({
            device: Type.String(),
            points: Type.Array(Type.Object({ start: Type.Integer(), value: Type.Number() })),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.to <= q.from) throw refuse(400, 'bad_range');
      // At most ~10,000 windows per request keeps a mistaken query from scanning years per minute.
      const windowMs = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 }[q.window];
      if ((q.to - q.from) / windowMs > 10_000) throw refuse(400, 'range_too_long');
      const points = await store.aggregate({ device: request.params.id, ...q });
      return { device: request.params.id, points };
    },
  );

  app.get(
    '/api/devices/latest',
    {
      schema: {
        tags: ['devices'],
        summary: 'The newest reading of each device (all, or those listed)',
        querystring: Type.Object({
          ids: Type.Optional(Type.String({ description: 'comma-separated device ids' })),
        }),
        response: { 200: Type.Object({ readings: Type.Array(ReadingOut) }) },
      },
    },
    async (request) => {
      const ids = request.query.ids?.split(',').filter(Boolean);
      return { readings: await store.latest(ids) };
    },
  );
};
