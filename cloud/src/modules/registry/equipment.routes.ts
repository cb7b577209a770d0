import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { bearerAuth, type Guard } from '../auth/guard.js';
import {
  BinOut,
  CreateBinBody,
  CreateDeviceBody,
  CreateGatewayBody,
  DeviceOut,
  DeviceQuery,
  GatewayOut,
  IdParams,
  UpdateBinBody,
  UpdateDeviceBody,
  UpdateGatewayBody,
} from './registry.schema.js';
import type { RegistryService } from './registry.service.js';

const security = bearerAuth;

/** Gateways, devices and bins: what installers put up and managers oversee. */
export const equipmentRoutes: FastifyPluginAsyncTypebox<{ registry: RegistryService; guard: Guard }> = async (
  app,
  { registry, guard },
) => {
  const gateways = { tags: ['gateways'], security };
  app.get(
    '/api/gateways',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: { ...gateways, response: { 200: Type.Array(GatewayOut) } },
    },
    () => registry.listGateways(),
  );
  app.post(
    '/api/gateways',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: {
        ...gateways,
        summary: 'Register a gateway (then ask for a provisioning code)',
        body: CreateGatewayBody,
        response: { 201: GatewayOut },
      },
    },
    async (request, reply) => reply.status(201).send(await registry.createGateway(request.body)),
  );
  app.get(
    '/api/gateways/:id',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: { ...gateways, params: IdParams, response: { 200: GatewayOut } },
    },
    (request) => registry.getGateway(request.params.id),
  );
  app.patch(
    '/api/gateways/:id',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: { ...gateways, params: IdParams, body: UpdateGatewayBody, response: { 200: GatewayOut } },
    },
    (request) => registry.updateGateway(request.params.id, request.body),
  );
  app.delete(
    '/api/gateways/:id',
    { preHandler: guard.require('manager'), schema: { ...gateways, params: IdParams } },
    async (request, reply) => reply.status(204).send(await registry.deleteGateway(request.params.id)),
  );

  const devices = { tags: ['devices'], security };
  app.get(
    '/api/devices',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: {
        ...devices,
        summary: 'Devices; ?status=unassigned lists those that sent data but are not placed yet',
        querystring: DeviceQuery,
        response: { 200: Type.Array(DeviceOut) },
      },
    },
    (request) => registry.listDevices(request.query),
  );
  app.post(
    '/api/devices',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: { ...devices, body: CreateDeviceBody, response: { 201: DeviceOut } },
    },
    async (request, reply) => {
      const { id, ...fields } = request.body;
      return reply.status(201).send(await registry.createDevice(id, fields));
    },
  );
  app.get(
    '/api/devices/:id',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: { ...devices, params: IdParams, response: { 200: DeviceOut } },
    },
    (request) => registry.getDevice(request.params.id),
  );
  app.patch(
    '/api/devices/:id',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: {
        ...devices,
        summary: 'Edit or assign a device (a household or location makes it assigned)',
        params: IdParams,
        body: UpdateDeviceBody,
        response: { 200: DeviceOut },
      },
    },
    (request) => registry.updateDevice(request.params.id, request.body),
  );
  app.delete(
    '/api/devices/:id',
    { preHandler: guard.require('installer', 'manager'), schema: { ...devices, params: IdParams } },
    async (request, reply) => reply.status(204).send(await registry.deleteDevice(request.params.id)),
  );

  const bins = { tags: ['bins'], security };
  app.get(
    '/api/bins',
    {
      preHandler: guard.require('sanitation', 'installer', 'manager'),
      schema: {
        ...bins,
        querystring: Type.Object({ gridId: Type.Optional(Type.String()) }),
        response: { 200: Type.Array(BinOut) },
      },
    },
    (request) => registry.listBins(request.query.gridId),
  );
  app.post(
    '/api/bins',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: { ...bins, body: CreateBinBody, response: { 201: BinOut } },
    },
    async (request, reply) => reply.status(201).send(await registry.createBin(request.body)),
  );
  app.get(
    '/api/bins/:id',
    {
      preHandler: guard.require('sanitation', 'installer', 'manager'),
      schema: { ...bins, params: IdParams, response: { 200: BinOut } },
    },
    (request) => registry.getBin(request.params.id),
  );
  app.patch(
    '/api/bins/:id',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: { ...bins, params: IdParams, body: UpdateBinBody, response: { 200: BinOut } },
    },
    (request) => registry.updateBin(request.params.id, request.body),
  );
  app.delete(
    '/api/bins/:id',
    { preHandler: guard.require('manager'), schema: { ...bins, params: IdParams } },
    async (request, reply) => reply.status(204).send(await registry.deleteBin(request.params.id)),
  );
};
