import { AppError } from '../../platform/errors.js';
import type { Role } from '../../platform/principal.js';

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
  /** 1 for a new user (the store's default); see UserAuth. */
  credentials_version?: number;
}

export interface UserChanges {
  email?: string;
  name?: string;
  role?: Role;
  password_hash?: string;
}

/** What every authenticated request needs of its user: the role and which tokens still count. */
export interface UserAuth {
  role: Role;
  /** Bumped by every password change; a token issued at an older version is revoked. */
  credentialsVersion: number;
}

/** The shop is never left without an operator: the last live admin stays one. */
export const lastAdminConflict = (): AppError =>
  new AppError(
    'conflict',
    'This is the last admin: make another user admin before deleting or demoting this one',
  );

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
  /** The hot path of every authenticated request: the live user's role and credentials version, or null. */
  findAuth(id: string): Promise<UserAuth | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  list(limit: number, offset: number): Promise<Page<User>>;
  /**
   * A password change bumps the credentials version. Demoting the last live admin throws
   * lastAdminConflict(), decided atomically against concurrent demotions and deletions.
   */
  update(id: string, changes: UserChanges, updatedAt: Date): Promise<UserRecord | null>;
  /** Deleting the last live admin throws lastAdminConflict(), as update does. */
  softDelete(id: string, deletedAt: Date): Promise<boolean>;
}
