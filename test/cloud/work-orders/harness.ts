import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { installLocalizedErrorHandler } from '../../../cloud/src/i18n/error-handler.js';
import {
  createGovernanceModule,
  type GovernanceModule,
  governanceRoutes,
} from '../../../cloud/src/modules/governance/governance.module.js';
import {
  createRegistryModule,
  type RegistryModule,
  registryApi,
} from '../../../cloud/src/modules/registry/registry.module.js';
import type { Role } from '../../../cloud/src/modules/users/users.model.js';
import type { RelationalStore } from '../../../cloud/src/ports/relational-store.js';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir.js';
import { type Backend, JWT_SECRET, ManualClock, TEST_PASSWORD_COST } from '../relational/harness.js';

export interface GovHarness {
  app: FastifyInstance;
  store: RelationalStore;
  registry: RegistryModule;
  gov: GovernanceModule;
  clock: ManualClock;
  dataDir: string;
  /** Errors the event bus swallowed (a failing listener), for assertions. */
  busErrors: unknown[];
  close(): Promise<void>;
}

export interface Caller {
  id: string;
  headers: Record<string, string>;
}

let counter = 0;

/** The registry API with the governance routes mounted as its extension, as server.ts does. */
export async function startGovHarness(backend: Backend): Promise<GovHarness> {
  const store = await backend.open();
  const clock = new ManualClock();
  const dir: TempDir = makeTempDir('governance');
  const registry = createRegistryModule(store, clock, { passwordCost: TEST_PASSWORD_COST });
  const busErrors: unknown[] = [];
  const gov = createGovernanceModule({
    store,
    clock,
    users: registry.users,
    logger: { error: (obj) => busErrors.push(obj) },
    dataDir: dir.path,
  });
  await gov.catalogue.ensureDefaults();
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  installLocalizedErrorHandler(app);
  await app.register(registryApi, {
    module: registry,
    jwtSecret: JWT_SECRET,
    loginRateLimit: 10_000,
    provisionRateLimit: 10_000,
    extensions: [governanceRoutes(gov)],
  });
  await app.ready();
  return {
    app,
    store,
    registry,
    gov,
    clock,
    dataDir: dir.path,
    busErrors,
    async close() {
      gov.close();
      await app.close();
      await store.close();
      // pg-pool's end() resolves once it has *asked* its clients to end, before their sockets
      // close; stopping PostgreSQL right after makes a closing client emit an unhandled 57P01.
      // (The same race shows in test/cloud/relational/store.test.ts; the fix belongs in the adapter.)
      if (store.dialect === 'postgres') await new Promise((r) => setTimeout(r, 200));
      dir.remove();
    },
  };
}

/** Creates an account through the users service and logs in through the API. */
export async function user(
  h: GovHarness,
  role: Role,
  extra: { username?: string; displayName?: string; gridId?: string } = {},
): Promise<Caller> {
  const username = extra.username ?? `${role}-${++counter}`;
  const created = await h.registry.users.create({
    username,
    displayName: extra.displayName,
    password: 'correct horse',
    role,
    gridId: extra.gridId,
  });
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: 'correct horse' },
  });
  if (res.statusCode !== 200) throw new Error(`login ${username} -> ${res.statusCode} ${res.body}`);
  return { id: created.id, headers: { authorization: `Bearer ${res.json().token}` } };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function caller(h: GovHarness) {
  return (
    method: Method,
    url: string,
    who?: Caller,
    payload?: object,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> =>
    h.app.inject({ method, url, headers: { ...who?.headers, ...headers }, payload });
}

export const ORDER = {
  title: '楼道灯不亮',
  description: '3栋2单元4楼楼道灯坏了一周',
  location: '3栋2单元4楼',
  contact: '13800000001',
  category: 'repair',
} as const;
