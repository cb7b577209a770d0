import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spawnManaged } from './child.js';
import { canConnect, freePort, LOOPBACK, withPortRetry } from './ports.js';
import { requireTool } from './require-tool.js';
import { type ServiceControl, serviceControl, waitReady } from './service.js';
import { makeTempDir } from './temp-dir.js';
import { waitUntil } from './wait.js';

const execFileAsync = promisify(execFile);

export interface MosquittoOptions {
  /** user → password. When given, anonymous clients are refused. */
  passwords?: Record<string, string>;
  /** Content of a Mosquitto ACL file (`user x` / `topic readwrite a/#` lines). */
  acl?: string;
  /**
   * Seconds between Mosquitto's saves of its in-memory state (sessions, subscriptions, queued
   * messages); default: the shipped config's value. A crash (kill()) loses what changed since the
   * last save, so crash tests shorten it and call waitForSave() before kill().
   */
  autosaveIntervalS?: number;
}

export interface MosquittoHandle extends ServiceControl {
  /** e.g. mqtt://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  /** Temp folder with config, password/ACL files and persistence (deleted by stop()). */
  readonly dir: string;
  /** Resolves once Mosquitto has written its persistence file at or after `since` (epoch ms). */
  waitForSave(since?: number): Promise<void>;
}

/** The config shipped for deployments (docker-compose); tests run its persistence and queue settings. */
export const SHIPPED_CONFIG = fileURLToPath(new URL('../../cloud/deploy/mosquitto.conf', import.meta.url));
/** Where and whom to serve is the test's own business; everything else comes from the shipped file. */
const DEPLOYMENT_ONLY = /^(listener|allow_anonymous|persistence_location|password_file|acl_file|user)\b/;

/** The shipped config's settings (comments and deployment-only lines dropped), autosave overridable. */
export function shippedSettings(autosaveIntervalS?: number): string[] {
  const lines = readFileSync(SHIPPED_CONFIG, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !DEPLOYMENT_ONLY.test(l));
  if (autosaveIntervalS === undefined) return lines;
  return [
    ...lines.filter((l) => !l.startsWith('autosave_interval')),
    `autosave_interval ${autosaveIntervalS}`,
  ];
}

function config(
  dir: string,
  port: number,
  options: MosquittoOptions,
  files: { passwd?: string; acl?: string },
) {
  const lines = [
    `listener ${port} ${LOOPBACK}`,
    `allow_anonymous ${options.passwords ? 'false' : 'true'}`,
    files.passwd ? `password_file ${files.passwd}` : '',
    files.acl ? `acl_file ${files.acl}` : '',
    // Persistence, autosave and queue limits as deployed (cloud/deploy/mosquitto.conf), persisted
    // into the temp folder so restart() keeps sessions and retained messages like a real broker.
    ...shippedSettings(options.autosaveIntervalS),
    `persistence_location ${dir}/`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    // As root, mosquitto 2.x switches to the "mosquitto" user, which cannot read our root-owned
    // temp folder (or may not exist): tell it to stay root.
    process.getuid?.() === 0 ? 'user root' : '',
  ];
  return `${lines.filter(Boolean).join('\n')}\n`;
}

async function writePasswordFile(path: string, passwords: Record<string, string>): Promise<void> {
  const mosquittoPasswd = await requireTool('mosquitto_passwd', 'mosquitto');
  writeFileSync(path, '', { mode: 0o600 });
  for (const [user, password] of Object.entries(passwords)) {
    // -b: batch mode (password on the command line) — fine for throwaway test credentials.
    await execFileAsync(mosquittoPasswd, ['-b', path, user, password]);
  }
}

/** Starts a private Mosquitto 2.x broker on a free loopback port; resolves once it accepts TCP. */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoHandle> {
  const mosquitto = await requireTool('mosquitto', 'mosquitto');
  return withPortRetry(async () => {
    const dir = makeTempDir('mosquitto');
    try {
      const port = await freePort();
      const files: { passwd?: string; acl?: string } = {};
      if (options.passwords) {
        files.passwd = join(dir.path, 'passwd');
        await writePasswordFile(files.passwd, options.passwords);
      }
      if (options.acl !== undefined) {
        files.acl = join(dir.path, 'acl');
        writeFileSync(files.acl, options.acl, { mode: 0o600 });
      }
      const configPath = join(dir.path, 'mosquitto.conf');
      writeFileSync(configPath, config(dir.path, port, options, files));
      const launch = () =>
        waitReady(
          spawnManaged('mosquitto', mosquitto, ['-c', configPath], { cwd: dir.path }),
          () => canConnect(port),
          { what: `Mosquitto on ${LOOPBACK}:${port}` },
        );
      const control = serviceControl({ launch, first: await launch(), dir });
      const dbFile = join(dir.path, 'mosquitto.db');
      const waitForSave = (since = Date.now()) =>
        waitUntil(() => (statSync(dbFile, { throwIfNoEntry: false })?.mtimeMs ?? 0) >= since, {
          what: `Mosquitto to save ${dbFile}`,
          timeoutMs: 30_000,
          intervalMs: 50,
        });
      return { ...control, url: `mqtt://${LOOPBACK}:${port}`, port, dir: dir.path, waitForSave };
    } catch (err) {
      dir.remove();
      throw err;
    }
  });
}
