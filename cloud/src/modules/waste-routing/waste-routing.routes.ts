/** HTTP API of waste pickup: crews (sanitation) follow and report routes; managers see the figures. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { bearerAuth } from '../auth/guard.js';
import type { GuardedContext } from '../registry/registry.module.js';
import { routeToGeoJson } from './geojson.js';
import {
  DateString,
  DayStatsSchema,
  RoundSchema,
  StopOutcomeSchema,
  TruckRouteSchema,
} from './waste-routing.schema.js';
import type { WasteRoutingService } from './waste-routing.service.js';

const tags = ['waste'];
const DateQuery = Type.Object({ date: Type.Optional(DateString) });

export function wasteRoutingRoutes(service: WasteRoutingService): FastifyPluginAsyncTypebox<GuardedContext> {
  return async (app, { guard }) => {
    const crew = guard.require('sanitation', 'manager');

    app.get(
      '/api/waste/routes',
      {
        preHandler: crew,
        schema: {
          tags,
          summary: "The day's route per truck",
          security: bearerAuth,
          querystring: DateQuery,
          response: { 200: RoundSchema },
        },
      },
      async (request) => service.round(request.query.date),
    );

    app.get(
      '/api/waste/routes/:vehicleId',
      {
        preHandler: crew,
        schema: {
          tags,
          summary:
            "One truck's route today: ordered stops with address, bin, forecast fill, expected arrival",
          security: bearerAuth,
          params: Type.Object({ vehicleId: Type.String() }),
          querystring: DateQuery,
          response: { 200: TruckRouteSchema },
        },
      },
      async (request) => {
        return service.truckRoute(request.params.vehicleId, request.query.date);
      },
    );

    app.get(
      '/api/waste/routes/:vehicleId/geojson',
      {
        preHandler: crew,
        schema: {
          tags,
          summary: "One truck's route as GeoJSON (line and stops)",
          security: bearerAuth,
          params: Type.Object({ vehicleId: Type.String() }),
          querystring: DateQuery,
        },
      },
      async (request, reply) => {
        const truck = await service.truckRoute(request.params.vehicleId, request.query.date);
        const places = await service.places();
        reply.type('application/geo+json');
        return JSON.stringify(routeToGeoJson(truck, places));
      },
    );

    app.post(
      '/api/waste/stops/:id',
      {
        preHandler: crew,
        schema: {
          tags,
          summary:
            'Report a stop: done with the measured fill, or skipped (blocked, not accessible, or truck_full: optional stops only)',
          security: bearerAuth,
          params: Type.Object({ id: Type.String() }),
          body: StopOutcomeSchema,
        },
      },
      async (request, reply) => {
        const user = guard.principal(request);
        const body = request.body;
        if (body.status === 'done') await service.markDone(request.params.id, body.measuredPct, user.id);
        else await service.markSkipped(request.params.id, body.reason, user.id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/api/waste/plan',
      {
        preHandler: crew,
        schema: {
          tags,
          summary: "Plan today's round now, or re-plan the rest of it (reported stops are kept)",
          security: bearerAuth,
          response: { 200: RoundSchema },
        },
      },
      async (request) => service.replanFor(guard.principal(request)),
    );

    app.get(
      '/api/waste/stats',
      {
        preHandler: guard.require('manager'),
        schema: {
          tags,
          summary:
            'Per day: km, hours, bins collected, overflow events, km saved against a fixed round of all bins',
          security: bearerAuth,
          querystring: Type.Object({ from: DateString, to: DateString }),
          response: { 200: Type.Object({ days: Type.Array(DayStatsSchema), totalKmSaved: Type.Number() }) },
        },
      },
      async (request) => {
        const days = await service.stats(request.query.from, request.query.to);
        return { days, totalKmSaved: days.reduce((s, d) => s + d.kmSaved, 0) };
      },
    );
  };
}
