import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnManaged } from './child.js';
import { canConnect, freePort, LOOPBACK, withPortRetry } from './ports.js';
import { requireTool } from './require-tool.js';
import { type ServiceControl, serviceControl, waitReady } from './service.js';
import { makeTempDir } from './temp-dir.js';

const execFileAsync = promisify(execFile);

export interface MosquittoOptions {
  /** user → password. When given, anonymous clients are refused. */
  passwords?: Record<string, string>;
  /** Content of a Mosquitto ACL file (`user x` / `topic readwrite a/#` lines). */
  acl?: string;
}

export interface MosquittoHandle extends ServiceControl {
  /** e.g. mqtt://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  /** Temp folder with config, password/ACL files and persistence (deleted by stop()). */
  readonly dir: string;
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
    // The default queue of 1000 silently drops QoS 1 messages under load (ARCHITECTURE.md §6).
    'max_queued_messages 100000',
    'max_inflight_messages 1000',
    // Persist into the temp folder so restart() keeps sessions/retained messages like a real broker.
    'persistence true',
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
      return { ...control, url: `mqtt://${LOOPBACK}:${port}`, port, dir: dir.path };
    } catch (err) {
      dir.remove();
      throw err;
    }
  });
}
