import type { ProductFilter, SortOrder } from '../catalog/catalog.ports.js';

export type SearchSort = 'relevance' | 'price' | 'name' | 'created_at';

export interface SearchRequest {
  text: string;
  filter: ProductFilter;
  sort: SearchSort;
  order: SortOrder;
  limit: number;
  offset: number;
}

/** Full-text index over the catalog: returns matching product ids in the requested order. */
export interface ProductSearchIndex {
  search(request: SearchRequest): Promise<{ ids: string[]; total: number }>;
}
