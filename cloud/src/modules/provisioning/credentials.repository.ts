import type { Insertable, Selectable, Transaction } from 'kysely';
import type { GatewayCredentialsTable, LinliDatabase, ProvisioningCodesTable } from '../../db/schema.js';
import type { RelationalStore } from '../../ports/relational-store.js';

export type NewCredential = Omit<Insertable<GatewayCredentialsTable>, 'gateway_id' | 'username'>;
export type ClaimOutcome = { gatewayId: string } | 'unknown' | 'used' | 'expired';

export interface CredentialInfo {
  id: string;
  gatewayId: string;
  username: string;
  createdAt: number;
  revokedAt: number | null;
}

const toInfo = (r: Selectable<GatewayCredentialsTable>): CredentialInfo => ({
  id: r.id,
  gatewayId: r.gateway_id,
  username: r.username,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** Revokes the gateway's live credentials and inserts `credential`, inside the caller's transaction. */
async function swapCredential(
  trx: Transaction<LinliDatabase>,
  gatewayId: string,
  now: number,
  credential: NewCredential,
): Promise<void> {
  await trx
    .updateTable('gateway_credentials')
    .set({ revoked_at: now })
    .where('gateway_id', '=', gatewayId)
    .where('revoked_at', 'is', null)
    .execute();
  await trx
    .insertInto('gateway_credentials')
    .values({ ...credential, gateway_id: gatewayId, username: gatewayId })
    .execute();
}

/** Provisioning codes and gateway credentials (hashes only: no secret is ever stored in clear). */
export class CredentialsRepository {
  constructor(private readonly store: RelationalStore) {}

  async insertCode(row: Insertable<ProvisioningCodesTable>): Promise<void> {
    await this.store.db.insertInto('provisioning_codes').values(row).execute();
  }

  /**
   * Spends a code and replaces the gateway's credentials with `credential`, atomically: the
   * conditional UPDATE (unused and unexpired) lets exactly one of two concurrent claims win.
   */
  async claim(codeHash: string, now: number, credential: NewCredential): Promise<ClaimOutcome> {
    return this.store.db.transaction().execute(async (trx) => {
      const spent = await trx
        .updateTable('provisioning_codes')
        .set({ used_at: now })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('gateway_id')
        .executeTakeFirst();
      if (!spent) {
        const code = await trx
          .selectFrom('provisioning_codes')
          .select(['used_at', 'expires_at'])
          .where('code_hash', '=', codeHash)
          .executeTakeFirst();
        return !code ? 'unknown' : code.used_at !== null ? 'used' : 'expired';
      }
      const gatewayId = spent.gateway_id;
      await swapCredential(trx, gatewayId, now, credential);
      await trx
        .updateTable('gateways')
        .set({ status: 'provisioned', provisioned_at: now })
        .where('id', '=', gatewayId)
        .execute();
      return { gatewayId };
    });
  }

  /** Revokes the gateway's live credentials and issues `credential` in their place. */
  async replace(gatewayId: string, now: number, credential: NewCredential): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await swapCredential(trx, gatewayId, now, credential);
    });
  }

  async revokeAll(gatewayId: string, now: number): Promise<number> {
    const r = await this.store.db
      .updateTable('gateway_credentials')
      .set({ revoked_at: now })
      .where('gateway_id', '=', gatewayId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Live credentials for a username with their hashes, newest first. */
  async liveByUsername(username: string): Promise<Array<{ gatewayId: string; secretHash: string }>> {
    const rows = await this.store.db
      .selectFrom('gateway_credentials')
      .select(['gateway_id', 'secret_hash'])
      .where('username', '=', username)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => ({ gatewayId: r.gateway_id, secretHash: r.secret_hash }));
  }

  /** Every live credential with its Mosquitto hash, for the broker's password file. */
  async liveForBroker(): Promise<Array<{ gatewayId: string; username: string; mosquittoHash: string }>> {
    const rows = await this.store.db
      .selectFrom('gateway_credentials')
      .select(['gateway_id', 'username', 'mosquitto_hash'])
      .where('revoked_at', 'is', null)
      .orderBy('username')
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => ({
      gatewayId: r.gateway_id,
      username: r.username,
      mosquittoHash: r.mosquitto_hash,
    }));
  }

  async history(gatewayId: string): Promise<CredentialInfo[]> {
    const rows = await this.store.db
      .selectFrom('gateway_credentials')
      .selectAll()
      .where('gateway_id', '=', gatewayId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toInfo);
  }

  async gatewayExists(id: string): Promise<boolean> {
    const row = await this.store.db
      .selectFrom('gateways')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }

  async setGatewayStatus(gatewayId: string, status: 'pending' | 'provisioned'): Promise<void> {
    await this.store.db.updateTable('gateways').set({ status }).where('id', '=', gatewayId).execute();
  }
}
