import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { bearerAuth, type Guard } from '../auth/guard.js';
import {
  CredentialInfoOut,
  GatewayParams,
  IssuedCodeOut,
  MqttCredentialsOut,
  ProvisionBody,
  RevokedOut,
} from './provisioning.schema.js';
import type { ProvisioningService } from './provisioning.service.js';

export interface ProvisioningRoutesOptions {
  provisioning: ProvisioningService;
  guard: Guard;
  /** Claims per IP per minute on the unauthenticated /api/provision (guessing codes is the attack). */
  provisionRateLimit: number;
  /** Called after credentials change, e.g. to regenerate Mosquitto's files. */
  onCredentialsChanged?: () => Promise<void>;
}

export const provisioningRoutes: FastifyPluginAsyncTypebox<ProvisioningRoutesOptions> = async (
  app,
  options,
) => {
  const { provisioning, guard } = options;
  const changed = async () => options.onCredentialsChanged?.();
  const tags = ['provisioning'];

  app.post(
    '/api/gateways/:id/provisioning-codes',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: {
        tags,
        security: bearerAuth,
        summary: 'One-time code (expiring) the gateway trades for its MQTT credentials',
        params: GatewayParams,
        response: { 201: IssuedCodeOut },
      },
    },
    async (request, reply) => {
      const issued = await provisioning.issueCode(request.params.id, guard.principal(request).id);
      return reply.status(201).send(issued);
    },
  );

  app.post(
    '/api/provision',
    {
      config: { rateLimit: { max: options.provisionRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Called by `linli-edge provision`: trade a provisioning code for MQTT credentials, once',
        body: ProvisionBody,
        response: { 200: MqttCredentialsOut },
      },
    },
    async (request) => {
      const issued = await provisioning.claim(request.body.code);
      await changed();
      return issued;
    },
  );

  app.post(
    '/api/gateways/:id/credentials/rotate',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: {
        tags,
        security: bearerAuth,
        summary: 'New MQTT password for the gateway; the old one stops working at once',
        params: GatewayParams,
        response: { 200: MqttCredentialsOut },
      },
    },
    async (request) => {
      const issued = await provisioning.rotate(request.params.id);
      await changed();
      return issued;
    },
  );

  app.post(
    '/api/gateways/:id/credentials/revoke',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Revoke all MQTT credentials of the gateway (it must be provisioned again)',
        params: GatewayParams,
        response: { 200: RevokedOut },
      },
    },
    async (request) => {
      const result = await provisioning.revoke(request.params.id);
      await changed();
      return result;
    },
  );

  app.get(
    '/api/gateways/:id/credentials',
    {
      preHandler: guard.require('installer', 'manager'),
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Credential history of the gateway (no secrets)',
        params: GatewayParams,
        response: { 200: Type.Array(CredentialInfoOut) },
      },
    },
    (request) => provisioning.history(request.params.id),
  );
};
