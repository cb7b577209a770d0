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
  /** Collection point the bin stands at (its containers are emptied together); null: not given. */
  point_id: string | null;
  created_at: Ms;
}

/** `resident`: a community member who reports issues, rates work, volunteers and holds points. */
export type Role = 'installer' | 'social_worker' | 'sanitation' | 'manager' | 'admin' | 'resident';
export const ROLES: readonly Role[] = [
  'installer',
  'social_worker',
  'sanitation',
  'manager',
  'admin',
  'resident',
];

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

// ---- governance: work orders, notifications, points (migration 0002-governance)

export interface WorkTeamsTable {
  id: string;
  name: string;
  lead_id: string | null;
  created_at: Ms;
}

export interface WorkTeamMembersTable {
  team_id: string;
  user_id: string;
}

export interface WorkOrdersTable {
  id: string;
  title: string;
  description: string;
  location: string;
  contact: string | null;
  category: string;
  source: string;
  status: string;
  reporter_id: string | null;
  grid_id: string | null;
  team_id: string | null;
  assignee_id: string | null;
  /** createFromAlert's alert id: unique, so a re-delivered alert opens no second order. */
  alert_ref: string | null;
  response_due_at: Ms;
  acknowledged_at: Ms | null;
  breached_at: Ms | null;
  /** 0 none, 1 team lead, 2 manager. */
  escalation_level: number;
  escalated_lead_at: Ms | null;
  escalated_manager_at: Ms | null;
  completed_at: Ms | null;
  completion_note: string | null;
  hours: number | null;
  rating: number | null;
  rating_comment: string | null;
  rated_at: Ms | null;
  close_reason: string | null;
  validated_at: Ms | null;
  validated_by: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface WorkOrderHistoryTable {
  id: string;
  work_order_id: string;
  /** Orders per work order; ties on `at` keep their order. */
  seq: number;
  at: Ms;
  actor_id: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
}

export interface WorkOrderPhotosTable {
  id: string;
  work_order_id: string;
  content_type: string;
  size: number;
  /** Relative to the photo folder under DATA_DIR. */
  path: string;
  uploaded_by: string | null;
  created_at: Ms;
}

export interface SlaPoliciesTable {
  category: string;
  response_minutes: number;
  updated_at: Ms;
  updated_by: string | null;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  /** Message kind; rendered per reader language from params_json. */
  kind: string;
  params_json: string;
  work_order_id: string | null;
  created_at: Ms;
  read_at: Ms | null;
}

export interface PointsRulesTable {
  code: string;
  name_zh: string;
  name_en: string;
  points: number;
  /** 'time' (per occurrence) or 'hour'. */
  unit: string;
  daily_cap: number | null;
  updated_at: Ms;
  updated_by: string | null;
}

/** A projection of the ledger per account, kept in the same transaction as each entry: the row
 * that concurrent redemptions lock. Checkable against the ledger at any time. */
export interface PointsAccountsTable {
  account_id: string;
  balance: number;
  lifetime: number;
  updated_at: Ms;
}

export interface PointsLedgerTable {
  id: string;
  account_id: string;
  /** earn | redeem | adjust | expire */
  kind: string;
  /** Signed: earnings positive, redemptions and expiries negative. */
  amount: number;
  balance_after: number;
  rule_code: string | null;
  quantity: number | null;
  /** work_order | event | staff_action | redemption | expiry */
  cause_type: string;
  cause_id: string;
  idempotency_key: string;
  note: string | null;
  actor_id: string | null;
  created_at: Ms;
}

export interface PointsCatalogueTable {
  id: string;
  name_zh: string;
  name_en: string;
  cost: number;
  /** null: unlimited. */
  stock: number | null;
  active: Flag;
  created_at: Ms;
  updated_at: Ms;
}

export interface PointsRedemptionsTable {
  id: string;
  account_id: string;
  item_id: string;
  cost: number;
  ledger_id: string;
  created_at: Ms;
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
  work_teams: WorkTeamsTable;
  work_team_members: WorkTeamMembersTable;
  work_orders: WorkOrdersTable;
  work_order_history: WorkOrderHistoryTable;
  work_order_photos: WorkOrderPhotosTable;
  sla_policies: SlaPoliciesTable;
  notifications: NotificationsTable;
  points_rules: PointsRulesTable;
  points_accounts: PointsAccountsTable;
  points_ledger: PointsLedgerTable;
  points_catalogue: PointsCatalogueTable;
  points_redemptions: PointsRedemptionsTable;
}
