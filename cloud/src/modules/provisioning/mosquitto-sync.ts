import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { generateMosquittoFiles } from './mosquitto-files.js';
import type { ProvisioningService } from './provisioning.service.js';

export interface MosquittoSyncOptions {
  passwordFile: string;
  aclFile: string;
  /** Mosquitto's pid_file: after writing the files it is sent SIGHUP, which makes it reread them. */
  pidFile?: string;
  internal?: { username: string; password: string };
}

/**
 * Keeps an external Mosquitto's password and ACL files in step with the credential registry:
 * at start, and after every provisioning, rotation or revocation.
 */
export function mosquittoSync(
  provisioning: ProvisioningService,
  options: MosquittoSyncOptions,
  logger: Logger,
) {
  return async (): Promise<void> => {
    const entries = await provisioning.brokerEntries();
    const { users } = await generateMosquittoFiles({
      entries,
      ...(options.internal ? { internal: options.internal } : {}),
      passwordFile: options.passwordFile,
      aclFile: options.aclFile,
    });
    let reloaded = false;
    if (options.pidFile) {
      try {
        process.kill(Number(readFileSync(options.pidFile, 'utf8').trim()), 'SIGHUP');
        reloaded = true;
      } catch (err) {
        logger.warn(
          { err: (err as Error).message, pidFile: options.pidFile },
          'could not signal Mosquitto to reload; reload it by hand',
        );
      }
    }
    logger.info({ users, reloaded }, 'Mosquitto password and ACL files written');
  };
}
