import type { Kysely } from 'kysely';

/**
 * Governance: work orders (teams, history, photos, SLA overrides), in-app notifications, and
 * resident points (rules, append-only ledger with its per-account projection, catalogue,
 * redemptions). Same portable DDL as 0001. Defaults (SLA minutes, points rules, catalogue) are
 * seeded by the services at start, not here, so changing a default needs no migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('work_teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('lead_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('work_team_members')
    .addColumn('team_id', 'text', (c) => c.notNull().references('work_teams.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('work_team_members_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('work_team_members_user').on('work_team_members').column('user_id').execute();

  await db.schema
    .createTable('work_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('contact', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reporter_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('grid_id', 'text', (c) => c.references('grids.id').onDelete('set null'))
    .addColumn('team_id', 'text', (c) => c.references('work_teams.id').onDelete('set null'))
    .addColumn('assignee_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('alert_ref', 'text', (c) => c.unique())
    .addColumn('response_due_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('breached_at', 'bigint')
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalated_lead_at', 'bigint')
    .addColumn('escalated_manager_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('completion_note', 'text')
    .addColumn('hours', 'double precision')
    .addColumn('rating', 'integer')
    .addColumn('rating_comment', 'text')
    .addColumn('rated_at', 'bigint')
    .addColumn('close_reason', 'text')
    .addColumn('validated_at', 'bigint')
    .addColumn('validated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  for (const column of ['status', 'created_at', 'reporter_id', 'assignee_id', 'team_id', 'grid_id']) {
    await db.schema.createIndex(`work_orders_${column}`).on('work_orders').column(column).execute();
  }

  await db.schema
    .createTable('work_order_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('work_order_id', 'text', (c) => c.notNull().references('work_orders.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('note', 'text')
    .addUniqueConstraint('work_order_history_seq', ['work_order_id', 'seq'])
    .execute();

  await db.schema
    .createTable('work_order_photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('work_order_id', 'text', (c) => c.notNull().references('work_orders.id').onDelete('cascade'))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('work_order_photos_order')
    .on('work_order_photos')
    .column('work_order_id')
    .execute();

  await db.schema
    .createTable('sla_policies')
    .addColumn('category', 'text', (c) => c.primaryKey())
    .addColumn('response_minutes', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params_json', 'text', (c) => c.notNull())
    .addColumn('work_order_id', 'text', (c) => c.references('work_orders.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('notifications_user')
    .on('notifications')
    .columns(['user_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('points_rules')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('daily_cap', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();

  await db.schema
    .createTable('points_accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('restrict'))
    .addColumn('balance', 'integer', (c) => c.notNull())
    .addColumn('lifetime', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('points_ledger')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('points_accounts.account_id').onDelete('restrict'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('balance_after', 'integer', (c) => c.notNull())
    .addColumn('rule_code', 'text')
    .addColumn('quantity', 'double precision')
    .addColumn('cause_type', 'text', (c) => c.notNull())
    .addColumn('cause_id', 'text', (c) => c.notNull())
    // The guarantee that one cause never pays twice, whatever the application does.
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('note', 'text')
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('points_ledger_account')
    .on('points_ledger')
    .columns(['account_id', 'created_at'])
    .execute();
  await db.schema.createIndex('points_ledger_created').on('points_ledger').column('created_at').execute();

  await db.schema
    .createTable('points_catalogue')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('cost', 'integer', (c) => c.notNull())
    .addColumn('stock', 'integer')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('points_redemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('points_accounts.account_id').onDelete('restrict'),
    )
    .addColumn('item_id', 'text', (c) => c.notNull().references('points_catalogue.id').onDelete('restrict'))
    .addColumn('cost', 'integer', (c) => c.notNull())
    .addColumn('ledger_id', 'text', (c) => c.notNull().references('points_ledger.id').onDelete('restrict'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('points_redemptions_account')
    .on('points_redemptions')
    .column('account_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'points_redemptions',
    'points_catalogue',
    'points_ledger',
    'points_accounts',
    'points_rules',
    'notifications',
    'sla_policies',
    'work_order_photos',
    'work_order_history',
    'work_orders',
    'work_team_members',
    'work_teams',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
