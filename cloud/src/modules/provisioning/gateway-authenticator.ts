import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayAuthenticator } from '../../ports/gateway-auth.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { verifySecret } from '../auth/secrets.js';
import { CredentialsRepository } from './credentials.repository.js';

export interface InternalCredential {
  username: string;
  password: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Equal-length digests make the comparison constant-time whatever the input lengths. */
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** GatewayAuthenticator on the credential tables, plus the cloud's internal credential from config. */
export class StoredGatewayAuthenticator implements GatewayAuthenticator {
  private readonly credentials: CredentialsRepository;

  constructor(
    store: RelationalStore,
    private readonly internal?: InternalCredential,
  ) {
    this.credentials = new CredentialsRepository(store);
  }

  async authenticate(
    username: string,
    password: string,
  ): Promise<{ gatewayId: string } | { internal: true } | undefined> {
    if (this.internal && username === this.internal.username) {
      return sameSecret(password, this.internal.password) ? { internal: true } : undefined;
    }
    for (const live of await this.credentials.liveByUsername(username)) {
      if (await verifySecret(password, live.secretHash)) return { gatewayId: live.gatewayId };
    }
    return undefined;
  }
}
