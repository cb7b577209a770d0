import jwt from '@fastify/jwt';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../ports/clock.js';
import type { GatewayAuthenticator } from '../../ports/gateway-auth.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { authRoutes } from '../auth/auth.routes.js';
import { Guard } from '../auth/guard.js';
import type { ScryptCost } from '../auth/secrets.js';
import {
  type InternalCredential,
  StoredGatewayAuthenticator,
} from '../provisioning/gateway-authenticator.js';
import { provisioningRoutes } from '../provisioning/provisioning.routes.js';
import { ProvisioningService } from '../provisioning/provisioning.service.js';
import { usersRoutes } from '../users/users.routes.js';
import { UsersService } from '../users/users.service.js';
import { equipmentRoutes } from './equipment.routes.js';
import { RegistryService } from './registry.service.js';
import { sitesRoutes } from './sites.routes.js';
import { SitesService } from './sites.service.js';

/** The services on the relational store: staff accounts, the registry and gateway provisioning. */
export interface RegistryModule {
  users: UsersService;
  sites: SitesService;
  registry: RegistryService;
  provisioning: ProvisioningService;
  /** For the MQTT side: aedes authenticate hook (wired by ingest). */
  gatewayAuth: GatewayAuthenticator;
  guard: Guard;
}

export interface RegistryModuleOptions {
  codeTtlMs?: number;
  /** Broker URL handed to gateways at provisioning (a getter if known only later). */
  mqttUrl?: string | (() => string | undefined);
  /** The cloud's own MQTT client credential. */
  internalMqtt?: InternalCredential;
  /** scrypt cost of user passwords (default PASSWORD_COST; tests lower it). */
  passwordCost?: ScryptCost;
}

export function createRegistryModule(
  store: RelationalStore,
  clock: Clock,
  options: RegistryModuleOptions = {},
): RegistryModule {
  const users = new UsersService(store, clock, options.passwordCost);
  return {
    users,
    sites: new SitesService(store, clock),
    registry: new RegistryService(store, clock),
    provisioning: new ProvisioningService(store, clock, {
      codeTtlMs: options.codeTtlMs,
      mqttUrl: options.mqttUrl,
    }),
    gatewayAuth: new StoredGatewayAuthenticator(store, options.internalMqtt),
    guard: new Guard(users),
  };
}

export interface RegistryApiOptions {
  module: RegistryModule;
  /** HMAC secret for bearer tokens (≥ 32 chars); every instance behind a load balancer shares it. */
  jwtSecret: string;
  tokenTtlSeconds?: number;
  loginRateLimit?: number;
  provisionRateLimit?: number;
  onCredentialsChanged?: () => Promise<void>;
  /**
   * Route plugins of other modules that use the same bearer-token guard (gateway config, work
   * orders, …): registered inside this context, where the JWT decorators live.
   */
  extensions?: Array<FastifyPluginAsync<GuardedContext>>;
}

export interface GuardedContext {
  guard: RegistryModule['guard'];
  module: RegistryModule;
}

/**
 * All routes on the relational store, in one encapsulated context: the JWT and rate-limit
 * decorators and hooks registered here apply to these routes only, never to /health, /metrics
 * or ingest's routes.
 */
export const registryApi: FastifyPluginAsync<RegistryApiOptions> = async (app, options) => {
  const { module } = options;
  await app.register(jwt, { secret: options.jwtSecret });
  // global: false: only routes that set config.rateLimit are limited (login, provision).
  await app.register(rateLimit, { global: false });
  const guard = module.guard;
  await app.register(authRoutes, {
    users: module.users,
    guard,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 8 * 3600,
    loginRateLimit: options.loginRateLimit ?? 10,
  });
  await app.register(usersRoutes, { users: module.users, guard });
  await app.register(sitesRoutes, { sites: module.sites, guard });
  await app.register(equipmentRoutes, { registry: module.registry, guard });
  await app.register(provisioningRoutes, {
    provisioning: module.provisioning,
    guard,
    provisionRateLimit: options.provisionRateLimit ?? 10,
    onCredentialsChanged: options.onCredentialsChanged,
  });
  for (const extension of options.extensions ?? []) await app.register(extension, { guard, module });
};
