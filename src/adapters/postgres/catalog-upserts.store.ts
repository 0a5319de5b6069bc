import type {
  CatalogUpserts,
  ImportCheckpoint,
  ProductData,
  UpsertCounts,
} from '../../modules/catalog/index.js';
import type { PostgresImportCheckpoints } from './import-checkpoints.store.js';
import { newId } from '../../platform/ids.js';
import { BULK_STATEMENT_TIMEOUT_MS, type Database } from './database.js';
import { PRODUCT_COLUMNS, productColumnArrays } from './catalog.store.js';

const FIELDS = ['name', 'description', 'category', 'price', 'currency', 'stock', 'attributes'] as const;

const SQL = {
  // New skus inserted, differing ones updated (version bumped), equal ones untouched: one
  // statement for the batch, its search document and list counts kept by the table's own rules.
  upsert: {
    name: 'products.upsert_by_sku',
    timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
    text: `INSERT INTO products AS p (${PRODUCT_COLUMNS})
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
             $7::text[], $8::int[], $9::jsonb[], $10::int[], $11::timestamptz[], $12::timestamptz[])
           ON CONFLICT (sku) WHERE deleted_at IS NULL DO UPDATE SET
             ${FIELDS.map((f) => `${f} = excluded.${f}`).join(', ')},
             version = p.version + 1, updated_at = excluded.updated_at
           WHERE (${FIELDS.map((f) => `p.${f}`).join(', ')})
             IS DISTINCT FROM (${FIELDS.map((f) => `excluded.${f}`).join(', ')})
           RETURNING (xmax = 0) AS inserted`,
  },
  // The upsert's own rule, counted instead of applied: a dry run says what the import would do.
  preview: {
    name: 'products.preview_by_sku',
    timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
    text: `SELECT count(*) FILTER (WHERE p.id IS NULL)::int AS inserted,
             count(*) FILTER (WHERE p.id IS NOT NULL AND (${FIELDS.map((f) => `p.${f}`).join(', ')})
               IS DISTINCT FROM (${FIELDS.map((f) => `n.${f}`).join(', ')}))::int AS updated,
             count(*) FILTER (WHERE p.id IS NOT NULL AND (${FIELDS.map((f) => `p.${f}`).join(', ')})
               IS NOT DISTINCT FROM (${FIELDS.map((f) => `n.${f}`).join(', ')}))::int AS unchanged
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
             $7::text[], $8::int[], $9::jsonb[], $10::int[], $11::timestamptz[], $12::timestamptz[])
             AS n(${PRODUCT_COLUMNS})
           LEFT JOIN products p ON p.sku = n.sku AND p.deleted_at IS NULL`,
  },
  deleteMissing: {
    name: 'products.delete_missing',
    timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
    text: `UPDATE products SET deleted_at = $2, updated_at = $2, version = version + 1
           WHERE deleted_at IS NULL AND NOT (sku = ANY($1::text[]))`,
  },
};

/** Imported products as new rows (what the insert half of the upsert writes). */
function asRows(products: readonly ProductData[], at: Date) {
  const stamp = at.toISOString();
  return products.map((p) => ({ ...p, id: newId(), version: 1, created_at: stamp, updated_at: stamp }));
}

/** Imports into the catalog in PostgreSQL: a batch and its checkpoint in one transaction. */
export class PostgresCatalogUpserts implements CatalogUpserts {
  constructor(
    private readonly db: Database,
    private readonly checkpoints: PostgresImportCheckpoints,
  ) {}

  upsertBatch(
    products: readonly ProductData[],
    at: Date,
    checkpoint: (written: UpsertCounts) => ImportCheckpoint,
  ): Promise<UpsertCounts> {
    const rows = asRows(products, at);
    return this.db.transaction(async (tx) => {
      let counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
      if (rows.length > 0) {
        const { rows: written } = await tx.query<{ inserted: boolean }>(
          SQL.upsert,
          productColumnArrays(rows),
        );
        const inserted = written.filter((r) => r.inserted).length;
        counts = { inserted, updated: written.length - inserted, unchanged: rows.length - written.length };
      }
      await this.checkpoints.save(checkpoint(counts), tx);
      return counts;
    });
  }

  async preview(products: readonly ProductData[]): Promise<UpsertCounts> {
    if (products.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    const { rows } = await this.db.query<UpsertCounts>(
      SQL.preview,
      productColumnArrays(asRows(products, new Date())),
    );
    return rows[0]!;
  }

  async deleteMissing(keep: ReadonlySet<string>, at: Date): Promise<number> {
    const result = await this.db.query(SQL.deleteMissing, [[...keep], at.toISOString()]);
    return result.rowCount ?? 0;
  }
}
