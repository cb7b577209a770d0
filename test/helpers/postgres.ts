import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { spawnManaged } from './child.js';
import { freePort, LOOPBACK, withPortRetry } from './ports.js';
import { requireDebianPackage } from './require-tool.js';
import { type ServiceControl, serviceControl, waitReady } from './service.js';
import { makeTempDir } from './temp-dir.js';

const execFileAsync = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

export interface PostgresHandle extends ServiceControl {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth, superuser "postgres"). */
  readonly connectionString: string;
  readonly port: number;
  /** Temp folder holding the cluster (pgdata/) and the Unix socket (deleted by stop()). */
  readonly dir: string;
  /** CREATE DATABASE; resolves to the connection string for the new database. */
  createDatabase(name: string): Promise<string>;
}

/** Highest installed major version's bin dir (Debian keeps each major in /usr/lib/postgresql/N). */
function findPgBinDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(PG_ROOT, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(PG_ROOT, versions[0], 'bin');
}

/** uid/gid of the "postgres" OS user from /etc/passwd (PostgreSQL refuses to run as root). */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('running as root but there is no "postgres" OS user: install Debian package postgresql');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function canQuery(connectionString: string): Promise<boolean> {
  // A TCP accept is not enough: during startup the server answers "the database system is starting up".
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Starts a private PostgreSQL cluster (initdb, trust auth) on a free loopback port. */
export async function startPostgres(): Promise<PostgresHandle> {
  await requireDebianPackage('PostgreSQL server (initdb)', 'postgresql', () => findPgBinDir() !== undefined);
  const bin = findPgBinDir()!;
  // As root, initdb/postgres must run as the "postgres" user; spawn() switches uid/gid itself,
  // which keeps postgres a direct child (signals, output, exit cleanup) unlike runuser/su.
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};

  return withPortRetry(async () => {
    // /tmp rather than os.tmpdir(): a root TMPDIR (e.g. under /root) may not be traversable by postgres.
    const dir = makeTempDir('postgres', owner ? { owner, parent: '/tmp' } : {});
    try {
      const port = await freePort();
      const dataDir = join(dir.path, 'pgdata');
      await execFileAsync(
        join(bin, 'initdb'),
        ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
        { ...asOwner, cwd: dir.path },
      ).catch((err: Error & { stderr?: string }) => {
        throw new Error(`initdb failed: ${err.message}\n${err.stderr ?? ''}`);
      });
      const connectionString = `postgres://postgres@${LOOPBACK}:${port}/postgres`;
      const args = [
        ...['-D', dataDir, '-p', String(port), '-k', dir.path],
        ...['-c', `listen_addresses=${LOOPBACK}`],
        // Throwaway data: durability only costs time here.
        ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      ];
      const launch = () =>
        waitReady(
          spawnManaged('postgres', join(bin, 'postgres'), args, { ...asOwner, cwd: dir.path }),
          () => canQuery(connectionString),
          { what: `PostgreSQL on ${LOOPBACK}:${port}` },
        );
      // SIGINT = "fast" shutdown; SIGTERM ("smart") would wait for clients tests forgot to close.
      const control = serviceControl({ launch, first: await launch(), dir, stopSignal: 'SIGINT' });
      return {
        ...control,
        connectionString,
        port,
        dir: dir.path,
        async createDatabase(name: string) {
          const client = new pg.Client({ connectionString });
          await client.connect();
          try {
            await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
          } finally {
            await client.end();
          }
          return `postgres://postgres@${LOOPBACK}:${port}/${encodeURIComponent(name)}`;
        },
      };
    } catch (err) {
      dir.remove();
      throw err;
    }
  });
}
