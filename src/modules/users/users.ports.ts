import type { Role } from '../../platform/http/principal.js';

/** A user as the API shows it: never with the password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: string;
  updated_at: string;
}

export interface UserRecord extends User {
  password_hash: string;
}

export interface UserChanges {
  email?: string;
  name?: string;
  role?: Role;
  password_hash?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** Storage of users. Emails are unique case-insensitively among live users (`duplicate` otherwise). */
export interface UserStore {
  insert(user: UserRecord): Promise<void>;
  /** Inserts many at once; users whose email exists already are skipped. Returns how many were new. */
  insertMany(users: UserRecord[]): Promise<number>;
  findById(id: string): Promise<UserRecord | null>;
  /** The hot path of every authenticated request: just the live user's role, or null. */
  findRole(id: string): Promise<Role | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  list(limit: number, offset: number): Promise<Page<User>>;
  update(id: string, changes: UserChanges, updatedAt: Date): Promise<UserRecord | null>;
  softDelete(id: string, deletedAt: Date): Promise<boolean>;
}
