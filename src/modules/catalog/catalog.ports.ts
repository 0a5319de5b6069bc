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
export type SortOrder = 'asc' | 'desc';

export interface ProductFilter {
  category?: string;
  minPrice?: number;
  maxPrice?: number;
}

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

/**
 * A product as the catalog store keeps it when the catalog lives outside PostgreSQL: the stock is
 * the one an admin last set (at `stockVersion`); the live stock moves with orders in PostgreSQL.
 */
export interface CatalogRecord extends Product {
  stockVersion: number;
  deletedAt: string | null;
}

/** What PostgreSQL holds for a product of a catalog kept elsewhere. */
export interface ProjectedProduct {
  id: string;
  version: number;
  stock: number;
  deleted: boolean;
  /** The keys the product was last listed under (to clear them when they change). */
  name: string;
  price: number;
  category: string;
  created_at: string;
}

/**
 * The PostgreSQL side of a catalog kept in another store: the live stock (checkout reserves it in
 * the same transaction as the order) and the full-text search index. Each change of the catalog
 * is applied here after the catalog store took it, newest version wins.
 */
export interface CatalogProjection {
  read(ids: readonly string[]): Promise<Map<string, ProjectedProduct>>;
  /** Live products with these ids as PostgreSQL holds them (the search index's documents). */
  products(ids: readonly string[]): Promise<Product[]>;
  /** Applies the records that are newer than what is there; returns the live stock of each. */
  apply(records: readonly CatalogRecord[]): Promise<Map<string, number>>;
  /** Live product ids in id order after `afterId` (for a full re-projection). */
  liveIds(afterId: string | null, limit: number): Promise<string[]>;
}
