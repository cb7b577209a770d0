import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnManaged } from './child.js';
import { freePort, LOOPBACK, withPortRetry } from './ports.js';
import { requireTool } from './require-tool.js';
import { type ServiceControl, serviceControl, waitReady } from './service.js';
import { makeTempDir } from './temp-dir.js';

// Debian ships InfluxDB 1.6.7: the v1 HTTP API (/ping, /write, /query) that 1.x/2.x/3.x share.

export interface InfluxDBHandle extends ServiceControl {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  /** Temp folder holding config, meta, data and wal (deleted by stop()). */
  readonly dir: string;
  /** CREATE DATABASE via POST /query. */
  createDatabase(name: string): Promise<void>;
}

function config(dir: string, httpPort: number, rpcPort: number): string {
  // Written from scratch rather than edited from `influxd config`, so every path and port is ours
  // and nothing touches /var/lib/influxdb or the default ports 8086/8088.
  return `reporting-disabled = true
bind-address = "${LOOPBACK}:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  index-version = "inmem"
  query-log-enabled = false
  trace-logging-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[http]
  enabled = true
  bind-address = "${LOOPBACK}:${httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false
  unix-socket-enabled = false
  bind-socket = "${join(dir, 'influxdb.sock')}"

[logging]
  level = "warn"
  suppress-logo = true

[ifql]
  enabled = false

[[graphite]]
  enabled = false

[[collectd]]
  enabled = false

[[opentsdb]]
  enabled = false

[[udp]]
  enabled = false
`;
}

// influxd lets INFLUXDB_* environment variables override the config file: ignore the caller's.
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('INFLUXDB_')));
}

async function ping(url: string): Promise<boolean> {
  const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) });
  return res.status === 204;
}

/** Starts a private influxd on free loopback ports in a fresh temp folder; resolves once /ping → 204. */
export async function startInfluxDB(): Promise<InfluxDBHandle> {
  const influxd = await requireTool('influxd', 'influxdb');
  return withPortRetry(async () => {
    const dir = makeTempDir('influxdb');
    try {
      const port = await freePort();
      const rpcPort = await freePort();
      const url = `http://${LOOPBACK}:${port}`;
      const configPath = join(dir.path, 'influxdb.conf');
      writeFileSync(configPath, config(dir.path, port, rpcPort));
      const launch = () =>
        waitReady(
          spawnManaged('influxd', influxd, ['run', '-config', configPath], {
            cwd: dir.path,
            env: cleanEnv(),
          }),
          () => ping(url),
          { what: `InfluxDB on ${url}` },
        );
      const control = serviceControl({ launch, first: await launch(), dir });
      return {
        ...control,
        url,
        port,
        dir: dir.path,
        async createDatabase(name: string) {
          const body = new URLSearchParams({ q: `CREATE DATABASE "${name.replaceAll('"', '\\"')}"` });
          const res = await fetch(`${url}/query`, { method: 'POST', body });
          const text = await res.text();
          // InfluxQL reports statement errors with HTTP 200 and an "error" field per result.
          if (!res.ok || text.includes('"error"')) {
            throw new Error(`InfluxDB CREATE DATABASE ${name} failed: HTTP ${res.status} ${text}`);
          }
        },
      };
    } catch (err) {
      dir.remove();
      throw err;
    }
  });
}
