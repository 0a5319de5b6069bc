import { AppError } from '../../platform/errors.js';
import type {
  CatalogStore,
  Product,
  ProductChanges,
  ProductFilter,
  ProductListQuery,
  ReindexReport,
  UpdateOutcome,
} from '../../modules/catalog/index.js';
import { BULK_STATEMENT_TIMEOUT_MS, onPrimary, type Database, type Statement } from './database.js';
import { isUniqueViolation } from './errors.js';

export const PRODUCT_COLUMNS =
  'id, sku, name, description, category, price, currency, stock, attributes, version, created_at, updated_at';

const SQL = {
  insert: {
    name: 'products.insert',
    text: `INSERT INTO products (${PRODUCT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
  },
  insertMany: {
    name: 'products.insert_many',
    timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
    text: `INSERT INTO products (${PRODUCT_COLUMNS})
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
             $7::text[], $8::int[], $9::jsonb[], $10::int[], $11::timestamptz[], $12::timestamptz[])
           ON CONFLICT DO NOTHING`,
  },
  byId: {
    name: 'products.by_id',
    text: onPrimary(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1 AND deleted_at IS NULL`),
  },
  bySkus: {
    name: 'products.by_skus',
    text: onPrimary(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku = ANY($1::text[]) AND deleted_at IS NULL`,
    ),
  },
  byIds: {
    name: 'products.by_ids',
    text: onPrimary(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
    ),
  },
  update: {
    name: 'products.update',
    text: `UPDATE products SET sku = COALESCE($3, sku), name = COALESCE($4, name),
             description = COALESCE($5, description), category = COALESCE($6, category),
             price = COALESCE($7, price), currency = COALESCE($8, currency), stock = COALESCE($9, stock),
             attributes = COALESCE($10, attributes), version = version + 1, updated_at = $11
           WHERE id = $1 AND deleted_at IS NULL AND ($2::int IS NULL OR version = $2)
           RETURNING ${PRODUCT_COLUMNS}`,
  },
  exists: {
    name: 'products.exists',
    text: onPrimary('SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL'),
  },
  softDelete: {
    name: 'products.soft_delete',
    text: `UPDATE products SET deleted_at = $2, updated_at = $2, version = version + 1
           WHERE id = $1 AND deleted_at IS NULL`,
  },
  count: { name: 'products.count', text: 'SELECT count(*)::int AS n FROM products WHERE deleted_at IS NULL' },
};

export interface ProductRow extends Omit<Product, 'created_at' | 'updated_at'> {
  created_at: Date;
  updated_at: Date;
}

export function toProduct(row: ProductRow): Product {
  return { ...row, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

/**
 * Products as the column arrays of an `unnest(...)` bulk statement, in PRODUCT_COLUMNS order
 * (shared by the bulk insert and the projection of a catalog kept elsewhere).
 */
export function productColumnArrays(products: readonly Product[]): unknown[][] {
  const col = <K extends keyof Product>(key: K) => products.map((p) => p[key]);
  return [
    col('id'),
    col('sku'),
    col('name'),
    col('description'),
    col('category'),
    col('price'),
    col('currency'),
    col('stock'),
    products.map((p) => JSON.stringify(p.attributes)),
    col('version'),
    col('created_at'),
    col('updated_at'),
  ];
}

function duplicateSku(error: unknown): unknown {
  return isUniqueViolation(error, 'products_sku_live_key')
    ? new AppError('duplicate', 'A product with this sku already exists')
    : error;
}

/**
 * WHERE clause and parameters for the optional filters. Each combination of present filters is
 * its own prepared statement, so every one gets a plan that uses the matching index.
 */
export function filterClause(
  filter: ProductFilter,
  firstParam: number,
): { sql: string; values: unknown[]; key: string } {
  const parts: string[] = ['deleted_at IS NULL'];
  const values: unknown[] = [];
  let key = '';
  const add = (sql: string, value: unknown, flag: string) => {
    values.push(value);
    parts.push(sql.replace('?', `$${firstParam + values.length - 1}`));
    key += flag;
  };
  if (filter.category !== undefined) add('category = ?', filter.category, 'c');
  if (filter.minPrice !== undefined) add('price >= ?', filter.minPrice, 'l');
  if (filter.maxPrice !== undefined) add('price <= ?', filter.maxPrice, 'h');
  return { sql: parts.join(' AND '), values, key: key || '-' };
}

const SORT_COLUMNS = { price: 'price', name: 'name', created_at: 'created_at' } as const;

/**
 * A list's total as one uncorrelated subquery. Without a filter, or by category alone, it is a sum
 * over the per-category counts a trigger keeps (migration 006); with a price range, a count of the
 * matching index entries. (`count(*) OVER ()` made PostgreSQL build every matching row, whole, for
 * each page of 20; counting 10,000 index entries per page still cost most of a list request.)
 */
function totalOf(where: { sql: string; key: string }): string {
  if (where.key === '-') return '(SELECT coalesce(sum(live), 0)::int FROM product_counts)';
  if (where.key === 'c')
    return '(SELECT coalesce(sum(live), 0)::int FROM product_counts WHERE category = $3)';
  return `(SELECT count(*)::int FROM products WHERE ${where.sql})`;
}

export class PostgresCatalogStore implements CatalogStore {
  private readonly listStatements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  async insert(p: Product): Promise<void> {
    await this.db
      .query(SQL.insert, [
        p.id,
        p.sku,
        p.name,
        p.description,
        p.category,
        p.price,
        p.currency,
        p.stock,
        JSON.stringify(p.attributes),
        p.version,
        p.created_at,
        p.updated_at,
      ])
      .catch((error: unknown) => Promise.reject(duplicateSku(error)));
  }

  async insertMany(products: Product[]): Promise<number> {
    const result = await this.db.query(SQL.insertMany, productColumnArrays(products));
    return result.rowCount ?? 0;
  }

  async findById(id: string): Promise<Product | null> {
    const { rows } = await this.db.query<ProductRow>(SQL.byId, [id]);
    return rows[0] ? toProduct(rows[0]) : null;
  }

  async findMany(ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<ProductRow>(SQL.byIds, [ids]);
    return rows.map(toProduct);
  }

  async findBySkus(skus: readonly string[]): Promise<Product[]> {
    if (skus.length === 0) return [];
    const { rows } = await this.db.query<ProductRow>(SQL.bySkus, [skus]);
    return rows.map(toProduct);
  }

  async list(query: ProductListQuery): Promise<{ items: Product[]; total: number }> {
    const where = filterClause(query.filter, 3);
    const statement = this.listStatement(where, query.sort, query.order);
    const { rows } = await this.db.query<ProductRow & { total: number }>(statement, [
      query.limit,
      query.offset,
      ...where.values,
    ]);
    const total = rows[0]?.total ?? (await this.countWhere(query.filter));
    return { items: rows.map(({ total: _t, ...row }) => toProduct(row)), total };
  }

  async update(
    id: string,
    c: ProductChanges,
    expectedVersion: number | undefined,
    at: Date,
  ): Promise<UpdateOutcome> {
    const { rows } = await this.db
      .query<ProductRow>(SQL.update, [
        id,
        expectedVersion ?? null,
        c.sku ?? null,
        c.name ?? null,
        c.description ?? null,
        c.category ?? null,
        c.price ?? null,
        c.currency ?? null,
        c.stock ?? null,
        c.attributes === undefined ? null : JSON.stringify(c.attributes),
        at,
      ])
      .catch((error: unknown) => Promise.reject(duplicateSku(error)));
    if (rows[0]) return { product: toProduct(rows[0]) };
    const exists = ((await this.db.query(SQL.exists, [id])).rowCount ?? 0) > 0;
    return exists ? { stale: true } : { missing: true };
  }

  async softDelete(id: string, at: Date): Promise<boolean> {
    return ((await this.db.query(SQL.softDelete, [id, at])).rowCount ?? 0) > 0;
  }

  async count(): Promise<number> {
    return (await this.db.query<{ n: number }>(SQL.count)).rows[0]!.n;
  }

  /**
   * The search document is a generated column of the product row, so it can never be behind the
   * catalog; rebuilding the index is PostgreSQL's REINDEX of its GIN index.
   */
  async reindex(): Promise<ReindexReport> {
    await this.db.query({
      name: 'products.reindex',
      text: 'REINDEX INDEX products_search_idx',
      timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
    });
    return { products: await this.count(), repaired: 0, listRowsRemoved: 0 };
  }

  private listStatement(
    where: { sql: string; key: string },
    sort: keyof typeof SORT_COLUMNS,
    order: 'asc' | 'desc',
  ): Statement {
    const name = `products.list.${sort}.${order}.${where.key}`;
    let statement = this.listStatements.get(name);
    if (!statement) {
      const column = SORT_COLUMNS[sort];
      statement = {
        name,
        // Lists carry prices and stock: read on the primary, never on a trailing standby.
        text: onPrimary(`SELECT ${PRODUCT_COLUMNS}, ${totalOf(where)} AS total
               FROM products WHERE ${where.sql}
               ORDER BY ${column} ${order}, id ${order} LIMIT $1 OFFSET $2`),
      };
      this.listStatements.set(name, statement);
    }
    return statement;
  }

  /** A page past the end has no row to carry the total: count on its own. */
  private async countWhere(filter: ProductFilter): Promise<number> {
    const where = filterClause(filter, 1);
    const { rows } = await this.db.query<{ n: number }>(
      {
        name: `products.count.${where.key}`,
        text: `SELECT count(*)::int AS n FROM products WHERE ${where.sql}`,
      },
      where.values,
    );
    return rows[0]!.n;
  }
}
