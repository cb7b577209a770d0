/**
 * Row types of the relational store, one per table, as Kysely sees them. The same schema runs on
 * SQLite and PostgreSQL, so it keeps to what both agree on:
 * - timestamps are integers, ms since the epoch (`bigint` columns; the PostgreSQL pool parses int8
 *   into numbers, safe below 2^53);
 * - flags are integers 0/1 (better-sqlite3 cannot bind booleans);
 * - small lists read and written only with their parent row (residents, emergency contacts) are
 *   JSON text, never queried into.
 */
type Ms = number;
type Flag = 0 | 1;

export interface GridsTable {
  id: string;
  name: string;
  created_at: Ms;
}

export interface BuildingsTable {
  id: string;
  grid_id: string;
  name: string;
  address: string | null;
  created_at: Ms;
}

export interface HouseholdsTable {
  id: string;
  building_id: string;
  unit: string;
  /** JSON: Resident[] */
  residents_json: string;
  living_alone: Flag;
  /** JSON: EmergencyContact[] */
  emergency_contacts_json: string;
  social_worker_id: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export type GatewayStatus = 'pending' | 'provisioned' | 'discovered';

export interface GatewaysTable {
  id: string;
  name: string;
  grid_id: string | null;
  building_id: string | null;
  location: string | null;
  status: GatewayStatus;
  provisioned_at: Ms | null;
  created_at: Ms;
}

export type DeviceStatus = 'assigned' | 'unassigned';

export interface DevicesTable {
  id: string;
  gateway_id: string | null;
  profile: string | null;
  unit_id: number | null;
  bus: string | null;
  household_id: string | null;
  location: string | null;
  status: DeviceStatus;
  first_seen_at: Ms | null;
  last_seen_at: Ms | null;
  created_at: Ms;
}

export interface BinsTable {
  id: string;
  name: string;
  grid_id: string | null;
  lat: number;
  lon: number;
  capacity_liters: number | null;
  device_id: string | null;
  created_at: Ms;
}

export type Role = 'installer' | 'social_worker' | 'sanitation' | 'manager' | 'admin';
export const ROLES: readonly Role[] = ['installer', 'social_worker', 'sanitation', 'manager', 'admin'];

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  grid_id: string | null;
  created_at: Ms;
  disabled_at: Ms | null;
}

export interface GatewayCredentialsTable {
  id: string;
  gateway_id: string;
  /** MQTT username (the gateway id: brokers and ACL patterns key on it). */
  username: string;
  /** scrypt hash, checked by the cloud's own authenticator (aedes). */
  secret_hash: string;
  /** PBKDF2-SHA512 `$7$` hash in Mosquitto's password-file format. */
  mosquitto_hash: string;
  created_at: Ms;
  revoked_at: Ms | null;
}

export interface ProvisioningCodesTable {
  id: string;
  gateway_id: string;
  /** SHA-256 of the code: looked up by value, so it cannot carry a per-row salt (see secrets.ts). */
  code_hash: string;
  created_by: string | null;
  created_at: Ms;
  expires_at: Ms;
  used_at: Ms | null;
}

export interface LinliDatabase {
  grids: GridsTable;
  buildings: BuildingsTable;
  households: HouseholdsTable;
  gateways: GatewaysTable;
  devices: DevicesTable;
  bins: BinsTable;
  users: UsersTable;
  gateway_credentials: GatewayCredentialsTable;
  provisioning_codes: ProvisioningCodesTable;
}
