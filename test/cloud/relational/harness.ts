import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  openRelationalStore,
  type RelationalStoreOptions,
} from '../../../cloud/src/adapters/relational/open-relational-store.js';
import { installLocalizedErrorHandler } from '../../../cloud/src/i18n/error-handler.js';
import {
  createRegistryModule,
  type RegistryApiOptions,
  type RegistryModule,
  type RegistryModuleOptions,
  registryApi,
} from '../../../cloud/src/modules/registry/registry.module.js';
import type { Clock } from '../../../cloud/src/ports/clock.js';
import type { RelationalStore } from '../../../cloud/src/ports/relational-store.js';
import { type PostgresHandle, startPostgres } from '../../helpers/postgres.js';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir.js';

/** One relational backend the contract suites run against. */
export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, empty, migrated store (its own file or database). */
  open(): Promise<RelationalStore>;
  /** The options behind the last open() (to reopen the same database). */
  lastOptions(): RelationalStoreOptions;
  stop(): Promise<void>;
}

let counter = 0;

export function sqliteBackend(): Backend {
  let dir: TempDir | undefined;
  let last: RelationalStoreOptions | undefined;
  return {
    name: 'sqlite',
    async open() {
      dir ??= makeTempDir('relational');
      last = { sqlitePath: `${dir.path}/linli-${++counter}.db` };
      return openRelationalStore(last);
    },
    lastOptions: () => last!,
    async stop() {
      dir?.remove();
    },
  };
}

/** Real PostgreSQL, started on first use; each open() gets a new database in the same cluster. */
export function postgresBackend(): Backend {
  let server: PostgresHandle | undefined;
  let last: RelationalStoreOptions | undefined;
  return {
    name: 'postgres',
    async open() {
      server ??= await startPostgres();
      last = { url: await server.createDatabase(`linli_${process.pid}_${++counter}`), poolSize: 4 };
      return openRelationalStore(last);
    },
    lastOptions: () => last!,
    async stop() {
      await server?.stop();
    },
  };
}

export const BACKENDS = [sqliteBackend, postgresBackend];

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(public t = Date.UTC(2025, 0, 15, 8, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const TEST_PASSWORD_COST = { N: 1024, r: 8, p: 1 };

export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface Harness {
  app: FastifyInstance;
  store: RelationalStore;
  module: RegistryModule;
  clock: ManualClock;
  close(): Promise<void>;
}

/** The registry API alone on a Fastify instance (as buildApp mounts it), on a fresh store. */
export async function startHarness(
  backend: Backend,
  options: { module?: RegistryModuleOptions; api?: Partial<RegistryApiOptions> } = {},
): Promise<Harness> {
  const store = await backend.open();
  const clock = new ManualClock();
  // Cheap scrypt for the many test logins; the production cost has its own test (auth-roles).
  const module = createRegistryModule(store, clock, { passwordCost: TEST_PASSWORD_COST, ...options.module });
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  installLocalizedErrorHandler(app);
  // Generous limits by default: suites log in many users from one IP; the rate-limit test sets its own.
  await app.register(registryApi, {
    module,
    jwtSecret: JWT_SECRET,
    loginRateLimit: 1000,
    provisionRateLimit: 1000,
    ...options.api,
  });
  await app.ready();
  return {
    app,
    store,
    module,
    clock,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** Creates a user directly through the service and logs in through the API; returns auth headers. */
export async function loginAs(
  h: Harness,
  role: 'installer' | 'social_worker' | 'sanitation' | 'manager' | 'admin',
  extra: { username?: string; gridId?: string } = {},
): Promise<{ authorization: string }> {
  const username = extra.username ?? `${role}-${++counter}`;
  await h.module.users.create({ username, password: 'correct horse', role, gridId: extra.gridId });
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: 'correct horse' },
  });
  if (res.statusCode !== 200) throw new Error(`login ${username} -> ${res.statusCode} ${res.body}`);
  return { authorization: `Bearer ${res.json().token}` };
}
