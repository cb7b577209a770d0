import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import {
  type ConfigResult,
  type ConfigStatus,
  type RemoteConfig,
  remoteConfigParser,
} from '../../protocols/src/index.js';
import { type EdgeConfig, validateEdgeConfig } from './config.js';

/**
 * Turns a remote config body into the config to run. The gateway's identity, broker credentials,
 * outbox and health endpoint are local facts of the installed device and always win: a remote
 * config may change what is polled (buses, devices, stats), not who the gateway is.
 */
export function mergeRemote(local: EdgeConfig, body: Record<string, unknown>): EdgeConfig {
  const remoteGateway = body.gateway as { id?: unknown } | undefined;
  if (remoteGateway?.id !== undefined && remoteGateway.id !== local.gateway.id)
    throw new Error(`gateway.id "${String(remoteGateway.id)}" is not this gateway ("${local.gateway.id}")`);
  const merged: Record<string, unknown> = {
    ...body,
    gateway: local.gateway,
    mqtt: local.mqtt,
    outbox: local.outbox,
  };
  if (local.health) merged.health = local.health;
  else delete merged.health;
  return validateEdgeConfig(merged, 'from the cloud');
}

export interface AppliedRemote {
  version: string;
  hash: string;
  config: EdgeConfig;
}

/** Where the last applied remote config is kept, so a restart comes back with it. */
export class RemoteConfigStore {
  constructor(private readonly path: string) {}

  load(local: EdgeConfig, logger: Logger): AppliedRemote | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const rc = remoteConfigParser.parse(JSON.parse(text));
      return { version: rc.version, hash: rc.hash, config: mergeRemote(local, rc.config) };
    } catch (err) {
      logger.warn({ err: (err as Error).message, path: this.path }, 'ignoring stored remote config');
      return undefined;
    }
  }

  save(rc: RemoteConfig): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(rc), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

export function configResult(
  gatewayId: string,
  rc: Pick<RemoteConfig, 'version' | 'hash'>,
  status: ConfigStatus,
  activeVersion: string | undefined,
  reason?: string,
): ConfigResult {
  const result: ConfigResult = {
    v: 1,
    gatewayId,
    version: rc.version,
    hash: rc.hash,
    status,
    ts: Date.now(),
  };
  if (reason) result.reason = reason.slice(0, 2000);
  if (activeVersion) result.activeVersion = activeVersion;
  return result;
}
