export type SortOrder = 'asc' | 'desc';

/** What a product list or search is narrowed to. */
export interface ProductFilter {
  category?: string;
  minPrice?: number;
  maxPrice?: number;
}

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
