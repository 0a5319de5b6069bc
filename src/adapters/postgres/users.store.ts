import { AppError } from '../../platform/errors.js';
import {
  lastAdminConflict,
  type Page,
  type User,
  type UserAuth,
  type UserChanges,
  type UserRecord,
  type UserStore,
} from '../../modules/users/index.js';
import type { UserDirectory } from '../../modules/orders/index.js';
import type { Role } from '../../platform/principal.js';
import { BULK_STATEMENT_TIMEOUT_MS, onPrimary, type Database, type Queryable } from './database.js';
import { isUniqueViolation } from './errors.js';

const COLUMNS = 'id, email, name, role, password_hash, credentials_version, created_at, updated_at';

const SQL = {
  insert: {
    name: 'users.insert',
    text: `INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  },
  insertMany: {
    name: 'users.insert_many',
    timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
    text: `INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[])
           ON CONFLICT DO NOTHING`,
  },
  byId: {
    name: 'users.by_id',
    text: onPrimary(`SELECT ${COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL`),
  },
  byEmail: {
    name: 'users.by_email',
    text: onPrimary(`SELECT ${COLUMNS} FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL`),
  },
  auth: {
    name: 'users.auth',
    text: onPrimary('SELECT role, credentials_version FROM users WHERE id = $1 AND deleted_at IS NULL'),
  },
  // Every live admin's row locked, in one order: two removals of admins run one after the other,
  // and the second sees what the first left (READ COMMITTED re-reads a row locked and changed).
  lockAdmins: {
    name: 'users.lock_admins',
    text: `SELECT id FROM users WHERE role = 'admin' AND deleted_at IS NULL ORDER BY id FOR UPDATE`,
  },
  exists: {
    name: 'users.exists',
    text: onPrimary('SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NULL'),
  },
  list: {
    name: 'users.list',
    text: `SELECT ${COLUMNS}, count(*) OVER () AS total FROM users WHERE deleted_at IS NULL
           ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`,
  },
  count: { name: 'users.count', text: 'SELECT count(*)::int AS total FROM users WHERE deleted_at IS NULL' },
  update: {
    name: 'users.update',
    text: `UPDATE users SET email = COALESCE($2, email), name = COALESCE($3, name), role = COALESCE($4, role),
             password_hash = COALESCE($5, password_hash), updated_at = $6,
             credentials_version = credentials_version + CASE WHEN $5::text IS NULL THEN 0 ELSE 1 END
           WHERE id = $1 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
  },
  softDelete: {
    name: 'users.soft_delete',
    text: 'UPDATE users SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL',
  },
};

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: 'customer' | 'admin';
  password_hash: string;
  credentials_version: number;
  created_at: Date;
  updated_at: Date;
}

function toRecord(row: UserRow): UserRecord {
  return { ...row, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

function duplicateEmail(error: unknown): unknown {
  return isUniqueViolation(error, 'users_email_live_key')
    ? new AppError('duplicate', 'A user with this email already exists')
    : error;
}

export class PostgresUserStore implements UserStore, UserDirectory {
  constructor(private readonly db: Database) {}

  async insert(u: UserRecord): Promise<void> {
    await this.db
      .query(SQL.insert, [u.id, u.email, u.name, u.role, u.password_hash, u.created_at, u.updated_at])
      .catch((error: unknown) => Promise.reject(duplicateEmail(error)));
  }

  async insertMany(users: UserRecord[]): Promise<number> {
    const column = <K extends keyof UserRecord>(key: K) => users.map((u) => u[key]);
    const result = await this.db.query(SQL.insertMany, [
      column('id'),
      column('email'),
      column('name'),
      column('role'),
      column('password_hash'),
      column('created_at'),
      column('updated_at'),
    ]);
    return result.rowCount ?? 0;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>(SQL.byId, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>(SQL.byEmail, [email]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findAuth(id: string): Promise<UserAuth | null> {
    const { rows } = await this.db.query<{ role: Role; credentials_version: number }>(SQL.auth, [id]);
    return rows[0] ? { role: rows[0].role, credentialsVersion: rows[0].credentials_version } : null;
  }

  async exists(userId: string): Promise<boolean> {
    return ((await this.db.query(SQL.exists, [userId])).rowCount ?? 0) > 0;
  }

  async list(limit: number, offset: number): Promise<Page<User>> {
    const { rows } = await this.db.query<UserRow & { total: number }>(SQL.list, [limit, offset]);
    const total = rows[0]?.total ?? (await this.db.query<{ total: number }>(SQL.count)).rows[0]!.total;
    return {
      items: rows.map(({ total: _total, password_hash: _hash, credentials_version: _v, ...row }) => ({
        ...row,
        created_at: row.created_at.toISOString(),
        updated_at: row.updated_at.toISOString(),
      })),
      total,
    };
  }

  async update(id: string, c: UserChanges, updatedAt: Date): Promise<UserRecord | null> {
    if (c.role === 'customer') {
      return this.db.transaction(async (tx) => {
        await this.keepAnAdminBesides(tx, id);
        return this.runUpdate(tx, id, c, updatedAt);
      });
    }
    return this.runUpdate(this.db, id, c, updatedAt);
  }

  private async runUpdate(
    db: Queryable,
    id: string,
    c: UserChanges,
    updatedAt: Date,
  ): Promise<UserRecord | null> {
    const { rows } = await db
      .query<UserRow>(SQL.update, [
        id,
        c.email ?? null,
        c.name ?? null,
        c.role ?? null,
        c.password_hash ?? null,
        updatedAt,
      ])
      .catch((error: unknown) => Promise.reject(duplicateEmail(error)));
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async softDelete(id: string, deletedAt: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await this.keepAnAdminBesides(tx, id);
      return ((await tx.query(SQL.softDelete, [id, deletedAt])).rowCount ?? 0) > 0;
    });
  }

  /** Throws when `id` is the only live admin; holds the admins' rows until the transaction ends. */
  private async keepAnAdminBesides(tx: Queryable, id: string): Promise<void> {
    const { rows } = await tx.query<{ id: string }>(SQL.lockAdmins);
    if (rows.length === 1 && rows[0]!.id === id) throw lastAdminConflict();
  }
}
