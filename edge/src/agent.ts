import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import {
  type DeviceProfile,
  loadProfiles,
  type RemoteConfig,
  remoteConfigParser,
  topics,
} from '../../protocols/src/index.js';
import { BUILTIN_PROFILES_DIR } from '../../protocols/src/profiles/loader.js';
import { AppendBatcher } from './append-batcher.js';
import { handleCommand } from './commands.js';
import type { EdgeConfig } from './config.js';
import { CounterBook } from './counters.js';
import { startHealthServer } from './health-server.js';
import { DEFAULT_LIMITS, Outbox } from './outbox.js';
import { PollingSet } from './polling.js';
import { Publisher } from './publisher.js';
import { type AppliedRemote, configResult, mergeRemote, RemoteConfigStore } from './remote-config.js';
import { buildStats, deviceHealth } from './stats.js';

export interface AgentOptions {
  /** Re-reads the local config file (the `reload` command); absent when started from an object. */
  reloadLocal?: () => EdgeConfig;
  /** How long a new remote config may go without any device answering before it is rolled back. */
  verifyMs?: number;
  /** Poll times are rounded up to this grid, ms (PollScheduler; default pollGridFor the devices' intervals). */
  pollGridMs?: number;
  /** How long routine readings may wait to be appended together, ms (AppendBatcher; default 100). */
  appendLingerMs?: number;
}

const COMMAND_OPS_SUBSCRIBED = ['read_register', 'write_register', 'rescan', 'reload'] as const;

/**
 * The edge agent: a long-lived outbox and MQTT publisher, and a PollingSet (buses + pollers)
 * that remote config and `reload` replace without restarting the process.
 */
export class EdgeAgent {
  readonly outbox: Outbox;
  readonly publisher: Publisher;
  /** Counter continuity (wrap-around, meter replacement), stored with the outbox. */
  readonly counters: CounterBook;
  private readonly batcher: AppendBatcher;
  private polling: PollingSet;
  private profiles: Map<string, DeviceProfile>;
  private active?: AppliedRemote;
  private readonly remoteStore: RemoteConfigStore;
  private statsTimer?: NodeJS.Timeout;
  private health?: { url: string; close(): Promise<void> };
  private readonly startedAt = Date.now();
  private applying: Promise<unknown> = Promise.resolve();

  constructor(
    private local: EdgeConfig,
    private readonly logger: Logger,
    private readonly options: AgentOptions = {},
  ) {
    this.outbox = new Outbox(local.outbox.path, local.outbox.sync, {
      maxReadings: local.outbox.maxReadings ?? DEFAULT_LIMITS.maxReadings,
      maxAgeHours: local.outbox.maxAgeHours ?? DEFAULT_LIMITS.maxAgeHours,
    });
    this.publisher = new Publisher(local, this.outbox, logger);
    this.counters = new CounterBook(this.outbox.counterStates());
    this.batcher = new AppendBatcher(this.outbox, this.counters, () => this.publisher.kick(), logger, {
      lingerMs: options.appendLingerMs,
    });
    this.remoteStore = new RemoteConfigStore(join(dirname(local.outbox.path), 'remote-config.json'));
    this.active = this.remoteStore.load(local, logger);
    const config = this.active?.config ?? local;
    this.profiles = this.loadProfiles(config);
    this.polling = this.buildPolling(config);
    this.publisher.setConfigVersion(this.active?.version);
  }

  get pollers() {
    return this.polling.pollers;
  }

  get buses() {
    return [...this.polling.buses.values()];
  }

  get config(): EdgeConfig {
    return this.polling.config;
  }

  get healthUrl(): string | undefined {
    return this.health?.url;
  }

  private loadProfiles(config: EdgeConfig) {
    return loadProfiles([BUILTIN_PROFILES_DIR, ...(config.profileDirs ?? [])]);
  }

  private buildPolling(config: EdgeConfig): PollingSet {
    return new PollingSet(config, this.profiles, (reading) => this.batcher.add(reading), this.logger, {
      counters: this.counters,
      gridMs: this.options.pollGridMs,
    });
  }

  async start(): Promise<void> {
    const gw = this.local.gateway.id;
    this.publisher.onMessage(topics.config(gw), (_t, payload) => {
      this.applying = this.applying.then(() => this.onRemoteConfig(payload));
    });
    for (const op of COMMAND_OPS_SUBSCRIBED) {
      this.publisher.onMessage(topics.command(gw, op), (_t, payload) => void this.onCommand(op, payload));
    }
    this.publisher.start();
    this.polling.start();
    const interval = this.config.stats?.intervalMs ?? 60_000;
    this.statsTimer = setInterval(() => this.publishStats(), interval);
    if (this.local.health) {
      this.health = await startHealthServer(
        this.local.health.host ?? '127.0.0.1',
        this.local.health.port,
        () => this.snapshot(),
      );
    }
    this.logger.info(
      {
        gateway: gw,
        devices: this.pollers.length,
        configVersion: this.active?.version,
        health: this.health?.url,
      },
      'edge agent started',
    );
  }

  private stats() {
    return buildStats(
      this.local.gateway.id,
      this.startedAt,
      this.outbox,
      this.publisher,
      this.pollers,
      this.active?.version,
    );
  }

  snapshot(): { healthy: boolean; body: unknown } {
    const stats = this.stats();
    return {
      healthy: this.publisher.connected,
      body: {
        ...stats,
        mqttConnected: this.publisher.connected,
        deviceDetails: this.pollers.map(deviceHealth),
      },
    };
  }

  publishStats(): void {
    if (!this.publisher.connected) return;
    const stats = this.stats();
    this.publisher.publishJson(topics.stats(this.local.gateway.id), stats);
  }

  private async onRemoteConfig(payload: Buffer): Promise<void> {
    const gw = this.local.gateway.id;
    let rc: RemoteConfig;
    try {
      rc = remoteConfigParser.parse(JSON.parse(payload.toString('utf8')));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'remote config rejected: malformed');
      return;
    }
    // A retained config is redelivered on every reconnect: the same hash changes nothing.
    if (rc.hash === this.active?.hash) return;
    let candidate: EdgeConfig;
    try {
      candidate = mergeRemote(this.local, rc.config);
      this.loadProfiles(candidate);
      new PollingSet(candidate, this.loadProfiles(candidate), () => undefined, this.logger); // dry run: profiles and references
    } catch (err) {
      this.report(rc, 'rejected', (err as Error).message);
      return;
    }
    const previous = { polling: this.polling, active: this.active };
    const outcome = await this.swap(candidate);
    if (outcome !== 'ok') {
      await this.restore(previous.polling.config, previous.active);
      this.report(rc, 'rolled_back', outcome);
      return;
    }
    this.active = { version: rc.version, hash: rc.hash, config: candidate };
    this.remoteStore.save(rc);
    this.publisher.setConfigVersion(rc.version);
    this.report(rc, 'applied');
    void gw;
  }

  /** Replaces the polling set; returns 'ok' or why the new config failed its health check. */
  private async swap(config: EdgeConfig): Promise<string> {
    const oldHadAnswers = this.pollers.some((p) => p.counters.ok > 0);
    await this.polling.stop();
    try {
      this.profiles = this.loadProfiles(config);
      this.polling = this.buildPolling(config);
      this.polling.start();
    } catch (err) {
      return `failed to start: ${(err as Error).message}`;
    }
    if (!oldHadAnswers || this.pollers.length === 0) return 'ok';
    const verifyMs =
      this.options.verifyMs ??
      Math.min(60_000, Math.max(5_000, 3 * Math.max(...config.devices.map((d) => d.pollIntervalMs))));
    const deadline = Date.now() + verifyMs;
    while (Date.now() < deadline) {
      if (this.pollers.some((p) => p.counters.ok > 0)) return 'ok';
      await new Promise((r) => setTimeout(r, 100));
    }
    return `no device answered within ${verifyMs} ms (the previous config had answering devices)`;
  }

  private async restore(config: EdgeConfig, active: AppliedRemote | undefined): Promise<void> {
    await this.polling.stop();
    this.profiles = this.loadProfiles(config);
    this.polling = this.buildPolling(config);
    this.polling.start();
    this.active = active;
  }

  private report(rc: RemoteConfig, status: 'applied' | 'rejected' | 'rolled_back', reason?: string): void {
    const gw = this.local.gateway.id;
    const level = status === 'applied' ? 'info' : 'warn';
    this.logger[level]({ version: rc.version, status, reason }, 'remote config result');
    this.publisher.publishJson(
      topics.configResult(gw),
      configResult(gw, rc, status, this.active?.version, reason),
    );
  }

  private async onCommand(op: string, payload: Buffer): Promise<void> {
    const response = await handleCommand(
      {
        gatewayId: this.local.gateway.id,
        polling: () => this.polling,
        profiles: () => this.profiles,
        reload: () => this.reloadLocal(),
        logger: this.logger,
      },
      payload,
    );
    if (response) this.publisher.publishJson(topics.commandResult(this.local.gateway.id, op), response);
  }

  /** Re-reads the local file and applies its polling part (remote config, if any, stays in force). */
  private async reloadLocal(): Promise<string | undefined> {
    if (!this.options.reloadLocal) throw new Error('this agent was not started from a config file');
    const fresh = this.options.reloadLocal();
    if (!this.active) {
      const outcome = await this.swap(fresh);
      if (outcome !== 'ok') throw new Error(outcome);
    }
    this.local = { ...fresh, gateway: this.local.gateway, mqtt: this.local.mqtt, outbox: this.local.outbox };
    return this.active?.version;
  }

  async stop(): Promise<void> {
    if (this.statsTimer) clearInterval(this.statsTimer);
    await this.applying.catch(() => undefined);
    await this.polling.stop();
    this.batcher.flush();
    await this.publisher.stop();
    await this.health?.close();
    this.outbox.close();
  }
}

/** Starts an agent (kept for callers that want one call). */
export async function startAgent(
  config: EdgeConfig,
  logger: Logger,
  options?: AgentOptions,
): Promise<EdgeAgent> {
  const agent = new EdgeAgent(config, logger, options);
  await agent.start();
  return agent;
}

export type RunningAgent = EdgeAgent;
