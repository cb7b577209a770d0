import type { Selectable } from 'kysely';
import type { UsersTable } from '../../db/schema.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { User } from './users.model.js';

type Row = Selectable<UsersTable>;

const toUser = (r: Row): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  gridId: r.grid_id,
  createdAt: r.created_at,
  disabled: r.disabled_at !== null,
});

/** Users table access; the only code that knows its columns. */
export class UsersRepository {
  constructor(private readonly store: RelationalStore) {}

  async insert(row: Row): Promise<User> {
    await this.store.db.insertInto('users').values(row).execute();
    return toUser(row);
  }

  async byId(id: string): Promise<User | undefined> {
    const row = await this.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  /** The user and their password hash, for login. */
  async credentialsOf(username: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const row = await this.store.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row && { user: toUser(row), passwordHash: row.password_hash };
  }

  async list(): Promise<User[]> {
    const rows = await this.store.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toUser);
  }

  async update(id: string, changes: Partial<Omit<Row, 'id' | 'created_at'>>): Promise<User | undefined> {
    if (Object.keys(changes).length > 0) {
      await this.store.db.updateTable('users').set(changes).where('id', '=', id).execute();
    }
    return this.byId(id);
  }

  async count(): Promise<number> {
    const { n } = await this.store.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}
