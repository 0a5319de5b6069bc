import type { Clock } from '../../platform/clock.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { hashPassword, verifyPassword } from '../../platform/passwords.js';
import { requireAdmin, requireOwnerOrAdmin } from '../../platform/access.js';
import { isAdmin, type Principal, type Role } from '../../platform/principal.js';
import type { Page, User, UserChanges, UserRecord, UserStore } from './users.ports.js';
import type { RegistrationThrottle } from './registration-throttle.js';

export interface NewUser {
  email: string;
  password: string;
  name: string;
}

export interface UserPatch {
  email?: string;
  name?: string;
  password?: string;
  role?: Role;
  /** Proves the caller knows the account's password; see update. */
  current_password?: string;
}

/** Runs when a user is deleted (the cart goes); wired in the composition root. */
export type UserDeletedHook = (userId: string) => Promise<void>;

export class UsersService {
  constructor(
    private readonly store: UserStore,
    private readonly clock: Clock,
    private readonly onDeleted: UserDeletedHook[] = [],
    private readonly registrations?: RegistrationThrottle,
    /** BAZAAR_ADMIN_EMAIL: the account ensureAdmin keeps; see guardConfiguredAdmin. */
    private readonly configuredAdminEmail?: string,
  ) {}

  /** Registration through the API: limited per client address, then as register. */
  async registerCustomer(input: NewUser, clientAddress: string): Promise<User> {
    await this.registrations?.admit(clientAddress, this.clock.now());
    return this.register(input);
  }

  async register(input: NewUser, role: Role = 'customer'): Promise<User> {
    const now = this.clock.now().toISOString();
    const record: UserRecord = {
      id: newId(),
      email: input.email.trim(),
      name: input.name.trim(),
      role,
      password_hash: await hashPassword(input.password),
      created_at: now,
      updated_at: now,
    };
    await this.store.insert(record);
    return toUser(record);
  }

  async get(caller: Principal, id: string): Promise<User> {
    requireOwnerOrAdmin(caller, id);
    const user = await this.store.findById(id);
    if (!user) throw notFound('User');
    return toUser(user);
  }

  async list(caller: Principal, limit: number, page: number): Promise<Page<User>> {
    requireAdmin(caller, 'list users');
    return this.store.list(limit, (page - 1) * limit);
  }

  /**
   * An admin changing their own email or password proves the current password first (a stolen
   * token must not be enough to take over an operator's account); anyone who sends
   * current_password has it checked. Demoting the last admin is refused by the store.
   */
  async update(caller: Principal, id: string, patch: UserPatch): Promise<User> {
    requireOwnerOrAdmin(caller, id);
    if (patch.role !== undefined) requireAdmin(caller, 'change a role');
    await this.guardConfiguredAdmin(caller, id, patch);
    const ownCredentials = caller.id === id && (patch.email !== undefined || patch.password !== undefined);
    if (ownCredentials && isAdmin(caller) && patch.current_password === undefined) {
      throw forbidden('An admin changing their own email or password must send current_password');
    }
    if (patch.current_password !== undefined) {
      const record = await this.store.findById(id);
      if (!record) throw notFound('User');
      if (!(await verifyPassword(patch.current_password, record.password_hash))) {
        throw forbidden('current_password is not the account’s password');
      }
    }
    const changes: UserChanges = {};
    if (patch.email !== undefined) changes.email = patch.email.trim();
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.role !== undefined) changes.role = patch.role;
    if (patch.password !== undefined) changes.password_hash = await hashPassword(patch.password);
    const updated = await this.store.update(id, changes, this.clock.now());
    if (!updated) throw notFound('User');
    return toUser(updated);
  }

  async delete(caller: Principal, id: string): Promise<void> {
    requireOwnerOrAdmin(caller, id);
    await this.guardConfiguredAdmin(caller, id, 'delete');
    const deleted = await this.store.softDelete(id, this.clock.now());
    if (!deleted) throw notFound('User');
    for (const hook of this.onDeleted) await hook(id);
  }

  /**
   * The configured admin is the operators' way in, whatever else happens to the accounts: through
   * the API it is neither deleted nor demoted (409), and only its holder changes its email or
   * password (with current_password, as any admin does for their own). Every start restores it.
   */
  private async guardConfiguredAdmin(caller: Principal, id: string, change: UserPatch | 'delete') {
    if (!this.configuredAdminEmail) return;
    const target = await this.store.findById(id);
    if (!target || target.email.toLowerCase() !== this.configuredAdminEmail.toLowerCase()) return;
    if (change === 'delete' || change.role === 'customer') {
      throw new AppError(
        'conflict',
        'The configured admin (BAZAAR_ADMIN_EMAIL) is neither deleted nor demoted through the API: it is the operators’ way in',
      );
    }
    if (caller.id !== id && (change.email !== undefined || change.password !== undefined)) {
      throw forbidden('Only the configured admin changes its own email or password');
    }
  }

  /** Makes sure the configured admin exists (created, or promoted and given the configured password). */
  async ensureAdmin(email: string, password: string): Promise<User> {
    const existing = await this.store.findByEmail(email);
    if (!existing) {
      try {
        return await this.register({ email, password, name: 'Administrator' }, 'admin');
      } catch (error) {
        // Another instance created it at the same moment.
        if (!(error instanceof AppError && error.code === 'duplicate')) throw error;
        const raced = await this.store.findByEmail(email);
        if (!raced) throw error;
        return toUser(raced);
      }
    }
    const changes: UserChanges = {};
    if (existing.role !== 'admin') changes.role = 'admin';
    if (!(await verifyPassword(password, existing.password_hash)))
      changes.password_hash = await hashPassword(password);
    if (Object.keys(changes).length === 0) return toUser(existing);
    const updated = await this.store.update(existing.id, changes, this.clock.now());
    return toUser(updated ?? existing);
  }
}

export function toUser(record: UserRecord): User {
  return {
    id: record.id,
    email: record.email,
    name: record.name,
    role: record.role,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}
