import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { bearerAuth, type Guard } from '../auth/guard.js';
import {
  BuildingOut,
  CreateBuildingBody,
  CreateHouseholdBody,
  GridBody,
  GridOut,
  HouseholdOut,
  HouseholdQuery,
  IdParams,
  UpdateBuildingBody,
  UpdateHouseholdBody,
} from './registry.schema.js';
import type { SitesService } from './sites.service.js';

const STAFF = ['installer', 'social_worker', 'sanitation', 'manager'] as const;
const security = bearerAuth;

/** Grids (网格), buildings and households. Managers edit; social workers see their grid's households. */
export const sitesRoutes: FastifyPluginAsyncTypebox<{ sites: SitesService; guard: Guard }> = async (
  app,
  { sites, guard },
) => {
  const grids = { tags: ['grids'], security };
  app.get(
    '/api/grids',
    { preHandler: guard.require(...STAFF), schema: { ...grids, response: { 200: Type.Array(GridOut) } } },
    () => sites.listGrids(),
  );
  app.post(
    '/api/grids',
    {
      preHandler: guard.require('manager'),
      schema: { ...grids, body: GridBody, response: { 201: GridOut } },
    },
    async (request, reply) => reply.status(201).send(await sites.createGrid(request.body.name)),
  );
  app.get(
    '/api/grids/:id',
    {
      preHandler: guard.require(...STAFF),
      schema: { ...grids, params: IdParams, response: { 200: GridOut } },
    },
    (request) => sites.getGrid(request.params.id),
  );
  app.patch(
    '/api/grids/:id',
    {
      preHandler: guard.require('manager'),
      schema: { ...grids, params: IdParams, body: GridBody, response: { 200: GridOut } },
    },
    (request) => sites.renameGrid(request.params.id, request.body.name),
  );
  app.delete(
    '/api/grids/:id',
    { preHandler: guard.require('manager'), schema: { ...grids, params: IdParams } },
    async (request, reply) => reply.status(204).send(await sites.deleteGrid(request.params.id)),
  );

  const buildings = { tags: ['buildings'], security };
  app.get(
    '/api/buildings',
    {
      preHandler: guard.require(...STAFF),
      schema: {
        ...buildings,
        querystring: Type.Object({ gridId: Type.Optional(Type.String()) }),
        response: { 200: Type.Array(BuildingOut) },
      },
    },
    (request) => sites.listBuildings(request.query.gridId),
  );
  app.post(
    '/api/buildings',
    {
      preHandler: guard.require('manager'),
      schema: { ...buildings, body: CreateBuildingBody, response: { 201: BuildingOut } },
    },
    async (request, reply) => reply.status(201).send(await sites.createBuilding(request.body)),
  );
  app.get(
    '/api/buildings/:id',
    {
      preHandler: guard.require(...STAFF),
      schema: { ...buildings, params: IdParams, response: { 200: BuildingOut } },
    },
    (request) => sites.getBuilding(request.params.id),
  );
  app.patch(
    '/api/buildings/:id',
    {
      preHandler: guard.require('manager'),
      schema: { ...buildings, params: IdParams, body: UpdateBuildingBody, response: { 200: BuildingOut } },
    },
    (request) => sites.updateBuilding(request.params.id, request.body),
  );
  app.delete(
    '/api/buildings/:id',
    { preHandler: guard.require('manager'), schema: { ...buildings, params: IdParams } },
    async (request, reply) => reply.status(204).send(await sites.deleteBuilding(request.params.id)),
  );

  const households = { tags: ['households'], security };
  app.get(
    '/api/households',
    {
      preHandler: guard.require('installer', 'social_worker', 'manager'),
      schema: {
        ...households,
        summary: "Households; a social worker sees only their grid's, an installer no personal data",
        querystring: HouseholdQuery,
        response: { 200: Type.Array(HouseholdOut) },
      },
    },
    (request) => sites.listHouseholds(guard.principal(request), request.query),
  );
  app.post(
    '/api/households',
    {
      preHandler: guard.require('manager'),
      schema: { ...households, body: CreateHouseholdBody, response: { 201: HouseholdOut } },
    },
    async (request, reply) => reply.status(201).send(await sites.createHousehold(request.body)),
  );
  app.get(
    '/api/households/:id',
    {
      preHandler: guard.require('installer', 'social_worker', 'manager'),
      schema: { ...households, params: IdParams, response: { 200: HouseholdOut } },
    },
    (request) => sites.getHousehold(guard.principal(request), request.params.id),
  );
  app.patch(
    '/api/households/:id',
    {
      preHandler: guard.require('social_worker', 'manager'),
      schema: { ...households, params: IdParams, body: UpdateHouseholdBody, response: { 200: HouseholdOut } },
    },
    (request) => sites.updateHousehold(guard.principal(request), request.params.id, request.body),
  );
  app.delete(
    '/api/households/:id',
    { preHandler: guard.require('manager'), schema: { ...households, params: IdParams } },
    async (request, reply) => reply.status(204).send(await sites.deleteHousehold(request.params.id)),
  );
};
