import type { Product } from '../../modules/catalog/index.js';
import type { CatalogProjection, CatalogRecord, ProjectedProduct } from '../catalog-projection.js';
import { BULK_STATEMENT_TIMEOUT_MS, onPrimary, type Database } from './database.js';
import { productColumnArrays, toProduct, type ProductRow } from './catalog.store.js';

const SQL = {
  read: {
    name: 'projection.read',
    // The stock is checked out against: read on the primary.
    text: onPrimary(`SELECT id, COALESCE(catalog_version, 0) AS version, stock, deleted_at IS NOT NULL AS deleted,
             name, price, category, created_at
           FROM products WHERE id = ANY($1::uuid[])`),
  },
  // Newest catalog version wins; the stock is taken from the catalog only when an admin set it at
  // a version PostgreSQL has not applied yet (otherwise orders own it). `version` is compared
  // nowhere here: orders bump it as they move stock, so it runs ahead of the catalog's.
  apply: {
    name: 'projection.apply',
    timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
    text: `INSERT INTO products (id, sku, name, description, category, price, currency, stock, attributes,
             version, created_at, updated_at, deleted_at, catalog_version)
           SELECT *, version FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
             $6::bigint[], $7::text[], $8::int[], $9::jsonb[], $10::int[], $11::timestamptz[],
             $12::timestamptz[], $13::timestamptz[])
             AS r(id, sku, name, description, category, price, currency, stock, attributes, version,
                  created_at, updated_at, deleted_at)
           ON CONFLICT (id) DO UPDATE SET sku = EXCLUDED.sku, name = EXCLUDED.name,
             description = EXCLUDED.description, category = EXCLUDED.category, price = EXCLUDED.price,
             currency = EXCLUDED.currency, attributes = EXCLUDED.attributes, version = EXCLUDED.version,
             catalog_version = EXCLUDED.catalog_version, updated_at = EXCLUDED.updated_at,
             deleted_at = EXCLUDED.deleted_at,
             stock = CASE WHEN COALESCE(products.catalog_version, 0) <
                                 (SELECT sv FROM unnest($1::uuid[], $14::int[]) AS s(id, sv) WHERE s.id = EXCLUDED.id)
                          THEN EXCLUDED.stock ELSE products.stock END
           WHERE COALESCE(products.catalog_version, 0) < EXCLUDED.catalog_version`,
  },
  // The products as the search index holds them, at the catalog's version (the ETag clients see).
  products: {
    name: 'projection.products',
    text: onPrimary(`SELECT id, sku, name, description, category, price, currency, stock, attributes,
             catalog_version AS version, created_at, updated_at
           FROM products WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`),
  },
  stocks: {
    name: 'projection.stocks',
    text: onPrimary('SELECT id, stock FROM products WHERE id = ANY($1::uuid[])'),
  },
  liveIds: {
    name: 'projection.live_ids',
    text: `SELECT id FROM products WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id > $1)
           ORDER BY id LIMIT $2`,
  },
};

interface ProjectedRow extends Omit<ProjectedProduct, 'created_at'> {
  created_at: Date;
}

/** The products table as the projection of a catalog kept in Cassandra (ADR 9). */
export class PostgresCatalogProjection implements CatalogProjection {
  constructor(private readonly db: Database) {}

  async read(ids: readonly string[]): Promise<Map<string, ProjectedProduct>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query<ProjectedRow>(SQL.read, [ids]);
    return new Map(rows.map((r) => [r.id, { ...r, created_at: r.created_at.toISOString() }]));
  }

  async products(ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<ProductRow>(SQL.products, [ids]);
    return rows.map(toProduct);
  }

  async apply(records: readonly CatalogRecord[]): Promise<Map<string, number>> {
    if (records.length === 0) return new Map();
    await this.db.query(SQL.apply, [
      ...productColumnArrays(records),
      records.map((r) => r.deletedAt),
      records.map((r) => r.stockVersion),
    ]);
    const { rows } = await this.db.query<{ id: string; stock: number }>(SQL.stocks, [
      records.map((r) => r.id),
    ]);
    return new Map(rows.map((r) => [r.id, r.stock]));
  }

  async liveIds(afterId: string | null, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(SQL.liveIds, [afterId, limit]);
    return rows.map((r) => r.id);
  }
}
