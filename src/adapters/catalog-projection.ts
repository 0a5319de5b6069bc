import type { Product } from '../modules/catalog/index.js';

// The contract between the two halves of a catalog kept outside PostgreSQL (Cassandra) and the
// PostgreSQL rows that keep its stock and search index: the adapters' business, not the domain's.

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
