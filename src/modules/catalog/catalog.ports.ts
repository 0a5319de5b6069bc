import type { ProductFilter, SortOrder } from '../search/index.js';
export type AttributeValue = string | number | boolean;

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: number;
  currency: string;
  stock: number;
  attributes: Record<string, AttributeValue>;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ProductChanges {
  sku?: string;
  name?: string;
  description?: string;
  category?: string;
  price?: number;
  currency?: string;
  stock?: number;
  attributes?: Record<string, AttributeValue>;
}

export type ProductSortField = 'price' | 'name' | 'created_at';
export type { ProductFilter, SortOrder } from '../search/index.js';

export interface ProductListQuery {
  filter: ProductFilter;
  sort: ProductSortField;
  order: SortOrder;
  limit: number;
  offset: number;
}

export type UpdateOutcome = { product: Product } | { missing: true } | { stale: true };

/** Storage of the catalog. Skus are unique among live products (`duplicate` otherwise). */
export interface CatalogStore {
  insert(product: Product): Promise<void>;
  /** Bulk insert for seeding; products whose id or sku exists already are skipped. */
  insertMany(products: Product[]): Promise<number>;
  findById(id: string): Promise<Product | null>;
  /**
   * Live products with these ids, in no particular order: the items of a page of search hits. A
   * store whose search index lives elsewhere answers from the index's copy (ADR 9), so a page is
   * one query and shows the very version that matched.
   */
  findMany(ids: readonly string[]): Promise<Product[]>;
  /** Live products with these skus (an import's lookup), in no particular order. */
  findBySkus(skus: readonly string[]): Promise<Product[]>;
  list(query: ProductListQuery): Promise<{ items: Product[]; total: number }>;
  /** Applies the changes and bumps the version, if `expectedVersion` (when given) still holds. */
  update(
    id: string,
    changes: ProductChanges,
    expectedVersion: number | undefined,
    at: Date,
  ): Promise<UpdateOutcome>;
  softDelete(id: string, at: Date): Promise<boolean>;
  count(): Promise<number>;
  /** Rebuilds the search index (and whatever else is derived) from the catalog store. */
  reindex(): Promise<ReindexReport>;
}

export interface ReindexReport {
  /** Products in the catalog store. */
  products: number;
  /** Products whose derived rows (search index, stock row, list rows) were behind and rebuilt. */
  repaired: number;
  /** List rows that belonged to no current product state and were removed. */
  listRowsRemoved: number;
}
