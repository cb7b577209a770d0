import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { openRelationalStore } from '../../adapters/relational/open-relational-store.js';
import { systemClock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { randomSecret } from '../auth/secrets.js';
import { createRegistryModule, type RegistryApiOptions, type RegistryModule } from './registry.module.js';

export interface RegistrySettings {
  dataDir: string;
  /** postgres://…; unset: SQLite file linli.db in dataDir. */
  databaseUrl?: string;
  jwtSecret?: string;
  /** First start only: the bootstrap admin's password (else a random one is logged once). */
  adminPassword?: string;
  /** Broker URL handed to gateways at provisioning (a getter if known only later). */
  mqttUrl?: string | (() => string | undefined);
  internalMqtt?: { username: string; password: string };
}

export interface RunningRegistry {
  store: RelationalStore;
  module: RegistryModule;
  /** What buildApp needs to mount the registry API. */
  api: RegistryApiOptions;
  close(): Promise<void>;
}

/**
 * A dev default that survives restarts (tokens stay valid), kept next to the data. Several
 * instances behind one load balancer must share JWT_SECRET instead.
 */
function fileSecret(dataDir: string): string {
  const path = join(dataDir, 'jwt-secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomSecret(48);
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** Opens the relational store (migrating it), builds the registry services, bootstraps the admin. */
export async function startRegistry(settings: RegistrySettings, logger: Logger): Promise<RunningRegistry> {
  const store = await openRelationalStore(
    settings.databaseUrl ? { url: settings.databaseUrl } : { sqlitePath: join(settings.dataDir, 'linli.db') },
  );
  const module = createRegistryModule(store, systemClock, {
    mqttUrl: settings.mqttUrl,
    internalMqtt: settings.internalMqtt,
  });
  const admin = await module.users.ensureBootstrapAdmin(settings.adminPassword);
  if (admin?.password) {
    // Printed once, at the first start of an empty store: there is no other way in.
    logger.warn(
      { username: admin.username, password: admin.password },
      'created the bootstrap admin with a random password; change it, or set LINLI_ADMIN_PASSWORD before first start',
    );
  } else if (admin) {
    logger.info({ username: admin.username }, 'created the bootstrap admin from LINLI_ADMIN_PASSWORD');
  }
  logger.info({ dialect: store.dialect }, 'relational store ready');
  return {
    store,
    module,
    api: { module, jwtSecret: settings.jwtSecret ?? fileSecret(settings.dataDir) },
    close: () => store.close(),
  };
}
