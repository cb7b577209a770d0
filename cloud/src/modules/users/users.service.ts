import { randomUUID } from 'node:crypto';
import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { hashSecret, PASSWORD_COST, randomSecret, type ScryptCost, verifySecret } from '../auth/secrets.js';
import type { Principal, Role, User } from './users.model.js';
import { UsersRepository } from './users.repository.js';

export interface NewUser {
  username: string;
  displayName?: string;
  password: string;
  role: Role;
  gridId?: string | null;
}

export interface UserChanges {
  displayName?: string;
  password?: string;
  role?: Role;
  gridId?: string | null;
  disabled?: boolean;
}

export const BOOTSTRAP_ADMIN = 'admin';

/** Accounts of staff (installers, social workers, sanitation, managers, admins) and their logins. */
export class UsersService {
  private readonly users: UsersRepository;
  /** Verified against when a username is unknown, so a miss costs what a hit costs. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
    /** Lower only in tests: the cost is stored in each hash, so verification follows it. */
    private readonly passwordCost: ScryptCost = PASSWORD_COST,
    private readonly newId: () => string = randomUUID,
  ) {
    this.users = new UsersRepository(store);
  }

  async create(input: NewUser): Promise<User> {
    const gridId = input.gridId ?? null;
    if (input.role === 'social_worker' && gridId === null) {
      throw refuse(400, 'grid_required');
    }
    try {
      return await this.users.insert({
        id: this.newId(),
        username: input.username,
        display_name: input.displayName ?? input.username,
        password_hash: await hashSecret(input.password, this.passwordCost),
        role: input.role,
        grid_id: gridId,
        created_at: this.clock.now(),
        disabled_at: null,
      });
    } catch (err) {
      throw this.refusal(err, input.username, gridId);
    }
  }

  async update(id: string, changes: UserChanges): Promise<User> {
    const current = await this.users.byId(id);
    if (!current) throw refuse(404, 'not_found', { what: 'user', id });
    const role = changes.role ?? current.role;
    const gridId = changes.gridId === undefined ? current.gridId : changes.gridId;
    if (role === 'social_worker' && gridId === null) {
      throw refuse(400, 'grid_required');
    }
    try {
      const updated = await this.users.update(id, {
        ...(changes.displayName !== undefined && { display_name: changes.displayName }),
        ...(changes.password !== undefined && {
          password_hash: await hashSecret(changes.password, this.passwordCost),
        }),
        ...(changes.role !== undefined && { role: changes.role }),
        ...(changes.gridId !== undefined && { grid_id: changes.gridId }),
        ...(changes.disabled !== undefined && { disabled_at: changes.disabled ? this.clock.now() : null }),
      });
      return updated!;
    } catch (err) {
      throw this.refusal(err, current.username, gridId);
    }
  }

  list(): Promise<User[]> {
    return this.users.list();
  }

  get(id: string): Promise<User | undefined> {
    return this.users.byId(id);
  }

  /** The principal for a valid username and password of an enabled account, else undefined. */
  async login(username: string, password: string): Promise<Principal | undefined> {
    const found = await this.users.credentialsOf(username);
    if (!found) {
      this.decoyHash ??= hashSecret(randomSecret(), this.passwordCost);
      await verifySecret(password, await this.decoyHash);
      return undefined;
    }
    if (!(await verifySecret(password, found.passwordHash)) || found.user.disabled) return undefined;
    return toPrincipal(found.user);
  }

  /** The principal behind a token's subject, re-read so disabling or a role change applies at once. */
  async principal(id: string): Promise<Principal | undefined> {
    const user = await this.users.byId(id);
    return user && !user.disabled ? toPrincipal(user) : undefined;
  }

  /**
   * First start: with no users at all, create `admin` with the given password, or a random one that
   * is returned (and printed by the caller) exactly once. Later starts change nothing.
   */
  async ensureBootstrapAdmin(
    password?: string,
  ): Promise<{ username: string; password?: string } | undefined> {
    if ((await this.users.count()) > 0) return undefined;
    const chosen = password ?? randomSecret(18);
    await this.create({
      username: BOOTSTRAP_ADMIN,
      displayName: 'Administrator',
      password: chosen,
      role: 'admin',
    });
    return password ? { username: BOOTSTRAP_ADMIN } : { username: BOOTSTRAP_ADMIN, password: chosen };
  }

  private refusal(err: unknown, username: string, gridId: string | null): unknown {
    const violation = this.store.constraintViolation(err);
    if (violation === 'unique') return refuse(409, 'username_taken', { username });
    if (violation === 'foreign_key') return refuse(400, 'unknown_grid', { id: gridId });
    return err;
  }
}

const toPrincipal = (u: User): Principal => ({
  id: u.id,
  username: u.username,
  role: u.role,
  gridId: u.gridId,
});
