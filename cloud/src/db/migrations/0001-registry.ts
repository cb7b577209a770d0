import type { Kysely } from 'kysely';

/**
 * Registry, users and gateway credentials. Portable DDL only (text, integer, bigint, double
 * precision; text primary keys; no serials), so one migration serves SQLite and PostgreSQL.
 * Migrations see the database as it was then, not today's schema type: hence Kysely<unknown>.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('grids')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('grid_id', 'text', (c) => c.references('grids.id').onDelete('restrict'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute();

  await db.schema
    .createTable('buildings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('grid_id', 'text', (c) => c.notNull().references('grids.id').onDelete('restrict'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('buildings_grid').on('buildings').column('grid_id').execute();

  await db.schema
    .createTable('households')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('building_id', 'text', (c) => c.notNull().references('buildings.id').onDelete('restrict'))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('residents_json', 'text', (c) => c.notNull())
    .addColumn('living_alone', 'integer', (c) => c.notNull())
    .addColumn('emergency_contacts_json', 'text', (c) => c.notNull())
    .addColumn('social_worker_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('households_building_unit', ['building_id', 'unit'])
    .execute();

  await db.schema
    .createTable('gateways')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('grid_id', 'text', (c) => c.references('grids.id').onDelete('restrict'))
    .addColumn('building_id', 'text', (c) => c.references('buildings.id').onDelete('restrict'))
    .addColumn('location', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('provisioned_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('gateway_id', 'text', (c) => c.references('gateways.id').onDelete('restrict'))
    .addColumn('profile', 'text')
    .addColumn('unit_id', 'integer')
    .addColumn('bus', 'text')
    .addColumn('household_id', 'text', (c) => c.references('households.id').onDelete('restrict'))
    .addColumn('location', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint')
    .addColumn('last_seen_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('devices_status').on('devices').column('status').execute();
  await db.schema.createIndex('devices_gateway').on('devices').column('gateway_id').execute();

  await db.schema
    .createTable('bins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('grid_id', 'text', (c) => c.references('grids.id').onDelete('restrict'))
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('capacity_liters', 'integer')
    .addColumn('device_id', 'text', (c) => c.references('devices.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('gateway_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('gateway_id', 'text', (c) => c.notNull().references('gateways.id').onDelete('cascade'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('mosquitto_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('gateway_credentials_username')
    .on('gateway_credentials')
    .column('username')
    .execute();

  await db.schema
    .createTable('provisioning_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('gateway_id', 'text', (c) => c.notNull().references('gateways.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'provisioning_codes',
    'gateway_credentials',
    'bins',
    'devices',
    'gateways',
    'households',
    'buildings',
    'users',
    'grids',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
