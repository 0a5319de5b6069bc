import type { Product } from '../catalog.ports.js';
import type { SourceRow, PriceUnit } from './product-row.js';

/** Where an import reads products from, in key order. */
export interface CatalogSource {
  /** What identifies this source and how it is read: a checkpoint is only resumed against the same. */
  readonly identity: { file: string; mapping: string };
  readonly priceUnit: PriceUnit;
  /** How many rows it holds (for progress). */
  count(): number;
  /** Up to `limit` rows after `afterKey` (from the first with undefined), in key order. */
  read(afterKey: string | number | undefined, limit: number): SourceRow[];
  /** The sku cells of every row up to `key`, in order (to find duplicates again on resume). */
  skusUpTo(key: string | number): Iterable<unknown>;
}

/** A product as an import writes it: everything but what the store assigns. */
export type ProductData = Omit<Product, 'id' | 'version' | 'created_at' | 'updated_at'>;

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** What an import needs of the catalog store: writes by sku, in batches. */
export interface CatalogUpserts {
  /**
   * Inserts the products whose sku no live product has, updates those that differ (version
   * bumped), leaves equal ones alone, and records the checkpoint made from what was written: in
   * one transaction where the store has them (PostgreSQL); else the checkpoint after the writes,
   * so an interrupted batch is written again on resume (by sku: nothing twice).
   */
  upsertBatch(
    products: readonly ProductData[],
    at: Date,
    checkpoint: (written: UpsertCounts) => ImportCheckpoint,
  ): Promise<UpsertCounts>;
  /** What `upsertBatch` would do with these products, by the same rule, writing nothing (a dry run). */
  preview(products: readonly ProductData[]): Promise<UpsertCounts>;
  /** Soft-deletes live products whose sku is not in `keep`; returns how many. */
  deleteMissing(keep: ReadonlySet<string>, at: Date): Promise<number>;
}

/** How far an import got: kept in the database, written after each batch. */
export interface ImportCheckpoint {
  file: string;
  mapping: string;
  /** The key of the last row of the last committed batch, and that batch's number. */
  lastKey: string | number | undefined;
  batch: number;
  counts: ImportCounts;
  finished: boolean;
}

export interface ImportCounts extends UpsertCounts {
  read: number;
  rejected: number;
}

export interface ImportCheckpoints {
  load(): Promise<ImportCheckpoint | undefined>;
  save(checkpoint: ImportCheckpoint): Promise<void>;
}

/** One refused row, as the rejects file holds it: why, and the row itself as the source held it. */
export interface Reject {
  batch: number;
  source_key: string | number;
  field: string;
  reason: string;
  row: Readonly<Record<string, unknown>>;
}

export interface RejectSink {
  /** Drops what batches after `batch` wrote (they are read again on resume). */
  truncateAfter(batch: number): Promise<void>;
  append(rejects: readonly Reject[]): Promise<void>;
}
