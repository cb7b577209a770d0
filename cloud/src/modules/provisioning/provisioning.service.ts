import { randomUUID } from 'node:crypto';
import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import {
  GATEWAY_SECRET_COST,
  hashSecret,
  mosquittoHash,
  normalizeCode,
  provisioningCode,
  randomSecret,
  sha256Hex,
} from '../auth/secrets.js';
import { notFound } from '../registry/refusals.js';
import { type CredentialInfo, CredentialsRepository, type NewCredential } from './credentials.repository.js';

export interface IssuedCode {
  gatewayId: string;
  /** Shown once to the installer; only its hash is kept. */
  code: string;
  expiresAt: number;
}

export interface MqttCredentials {
  gatewayId: string;
  mqtt: { url?: string; username: string; password: string };
}

export interface ProvisioningOptions {
  codeTtlMs?: number;
  /**
   * The broker URL handed to gateways (what they can reach, not what the cloud binds). A getter:
   * the composition root learns the embedded broker's port only after this service exists.
   */
  mqttUrl?: string | (() => string | undefined);
}

/**
 * The installer flow: a gateway in the registry gets a one-time code; the edge trades the code for
 * MQTT credentials exactly once. Credentials are stored as hashes only, can be rotated (the old
 * password stops working at once) and revoked.
 */
export class ProvisioningService {
  private readonly credentials: CredentialsRepository;
  private readonly codeTtlMs: number;

  constructor(
    store: RelationalStore,
    private readonly clock: Clock,
    private readonly options: ProvisioningOptions = {},
  ) {
    this.credentials = new CredentialsRepository(store);
    this.codeTtlMs = options.codeTtlMs ?? 24 * 60 * 60 * 1000;
  }

  async issueCode(gatewayId: string, issuedBy: string | null): Promise<IssuedCode> {
    await this.requireGateway(gatewayId);
    const code = provisioningCode();
    const now = this.clock.now();
    const expiresAt = now + this.codeTtlMs;
    await this.credentials.insertCode({
      id: randomUUID(),
      gateway_id: gatewayId,
      code_hash: sha256Hex(code),
      created_by: issuedBy,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
    });
    return { gatewayId, code, expiresAt };
  }

  /** Trades a code for credentials; refuses unknown, spent and expired codes, each with its reason. */
  async claim(code: string): Promise<MqttCredentials> {
    const { password, credential } = await this.newCredential();
    const outcome = await this.credentials.claim(
      sha256Hex(normalizeCode(code)),
      this.clock.now(),
      credential,
    );
    if (outcome === 'unknown') throw refuse(404, 'code_unknown');
    if (outcome === 'used') throw refuse(410, 'code_used');
    if (outcome === 'expired') {
      throw refuse(410, 'code_expired');
    }
    return this.issued(outcome.gatewayId, password);
  }

  async rotate(gatewayId: string): Promise<MqttCredentials> {
    await this.requireGateway(gatewayId);
    const { password, credential } = await this.newCredential();
    await this.credentials.replace(gatewayId, this.clock.now(), credential);
    await this.credentials.setGatewayStatus(gatewayId, 'provisioned');
    return this.issued(gatewayId, password);
  }

  /** Revokes every live credential of the gateway; it must be provisioned again to connect. */
  async revoke(gatewayId: string): Promise<{ gatewayId: string; revoked: number }> {
    await this.requireGateway(gatewayId);
    const revoked = await this.credentials.revokeAll(gatewayId, this.clock.now());
    await this.credentials.setGatewayStatus(gatewayId, 'pending');
    return { gatewayId, revoked };
  }

  async history(gatewayId: string): Promise<CredentialInfo[]> {
    await this.requireGateway(gatewayId);
    return this.credentials.history(gatewayId);
  }

  /** Live credentials as the Mosquitto files need them (see mosquitto-files.ts). */
  brokerEntries() {
    return this.credentials.liveForBroker();
  }

  private async requireGateway(id: string): Promise<void> {
    if (!(await this.credentials.gatewayExists(id))) throw notFound('gateway', id);
  }

  private async newCredential(): Promise<{ password: string; credential: NewCredential }> {
    const password = randomSecret();
    const [secretHash, brokerHash] = await Promise.all([
      hashSecret(password, GATEWAY_SECRET_COST),
      mosquittoHash(password),
    ]);
    return {
      password,
      credential: {
        id: randomUUID(),
        secret_hash: secretHash,
        mosquitto_hash: brokerHash,
        created_at: this.clock.now(),
        revoked_at: null,
      },
    };
  }

  private issued(gatewayId: string, password: string): MqttCredentials {
    const mqtt = { username: gatewayId, password };
    const { mqttUrl } = this.options;
    const url = typeof mqttUrl === 'function' ? mqttUrl() : mqttUrl;
    return { gatewayId, mqtt: url ? { url, ...mqtt } : mqtt };
  }
}
