import { gatewayMayPublish, gatewayMaySubscribe } from '../modules/provisioning/gateway-acl.js';
import type { GatewayAuthenticator } from '../ports/gateway-auth.js';

/** Who a broker connection is: a provisioned gateway, the cloud itself, or (dev only) anonymous. */
export type BrokerIdentity =
  | { kind: 'gateway'; gatewayId: string }
  | { kind: 'internal' }
  | { kind: 'anonymous' };

/**
 * The embedded broker's access rules, apart from aedes so they can be reasoned about (and tested)
 * on their own: authentication by provisioned credentials, and the same per-gateway topic policy
 * the Mosquitto ACL file is generated from (modules/provisioning/gateway-acl.ts).
 */
export class BrokerAccess {
  constructor(
    private readonly auth: GatewayAuthenticator | undefined,
    private readonly allowAnonymous: boolean,
  ) {}

  async identify(
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<BrokerIdentity | undefined> {
    if (username === undefined || username === '')
      return this.allowAnonymous ? { kind: 'anonymous' } : undefined;
    const who = await this.auth?.authenticate(username, password?.toString('utf8') ?? '');
    if (!who) return undefined;
    return 'internal' in who ? { kind: 'internal' } : { kind: 'gateway', gatewayId: who.gatewayId };
  }

  mayPublish(who: BrokerIdentity, topic: string): boolean {
    return who.kind !== 'gateway' || gatewayMayPublish(who.gatewayId, topic);
  }

  maySubscribe(who: BrokerIdentity, filter: string): boolean {
    return who.kind !== 'gateway' || gatewayMaySubscribe(who.gatewayId, filter);
  }
}
