import type { Logger } from 'pino';
import {
  buildRemoteConfig,
  type ConfigResult,
  configResultParser,
  parseTopic,
  type RemoteConfig,
  topics,
} from '../../../../protocols/src/index.js';
import { refuse } from '../../i18n/localized-error.js';
import type { BrokerChannel } from '../../ports/broker-channel.js';
import type { Clock } from '../../ports/clock.js';

export interface GatewayConfigState {
  published?: Pick<RemoteConfig, 'version' | 'hash' | 'issuedAt'>;
  result?: ConfigResult;
}

/**
 * Remote configuration of gateways: a config body published retained on the gateway's config topic
 * (versioned and hashed), and the gateway's answer (applied, rejected, rolled back) kept for the API.
 */
export class GatewayConfigService {
  private readonly state = new Map<string, GatewayConfigState>();
  private lastVersion = 0;

  constructor(
    private readonly channel: BrokerChannel,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.channel.listen(topics.allConfigResults(), (topic, payload) => this.onResult(topic, payload));
  }

  /** Publishes a config body for a gateway; the edge validates it fully and reports back. */
  async publish(gatewayId: string, body: Record<string, unknown>): Promise<RemoteConfig> {
    const gateway = body.gateway as { id?: unknown } | undefined;
    if (gateway?.id !== undefined && gateway.id !== gatewayId)
      throw refuse(400, 'gateway_mismatch', { configFor: String(gateway.id), gateway: gatewayId });
    const notArrays = (['buses', 'devices'] as const).filter((key) => !Array.isArray(body[key]));
    if (notArrays.length > 0) {
      throw refuse(400, 'invalid_field', { field: notArrays.join(', '), detail: 'must be an array' });
    }
    // Versions increase even when two configs are published in the same millisecond.
    this.lastVersion = Math.max(this.lastVersion + 1, this.clock.now());
    const rc = buildRemoteConfig(String(this.lastVersion), body, this.clock.now());
    await this.channel.publish(topics.config(gatewayId), JSON.stringify(rc), { retain: true });
    this.state.set(gatewayId, { published: { version: rc.version, hash: rc.hash, issuedAt: rc.issuedAt } });
    this.logger.info({ gatewayId, version: rc.version }, 'remote config published');
    return rc;
  }

  get(gatewayId: string): GatewayConfigState {
    return this.state.get(gatewayId) ?? {};
  }

  private onResult(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'config/result') return;
    try {
      const result = configResultParser.parse(JSON.parse(payload.toString('utf8')));
      if (result.gatewayId !== parsed.gatewayId) return;
      this.state.set(parsed.gatewayId, { ...this.get(parsed.gatewayId), result });
      const level = result.status === 'applied' ? 'info' : 'warn';
      this.logger[level](
        {
          gatewayId: parsed.gatewayId,
          version: result.version,
          status: result.status,
          reason: result.reason,
        },
        'gateway config result',
      );
    } catch (err) {
      this.logger.warn({ topic, err: (err as Error).message }, 'malformed config result ignored');
    }
  }
}
