export type {
  ProductFilter,
  ProductSearchIndex,
  SearchRequest,
  SearchSort,
  SortOrder,
} from './search.ports.js';
export { normaliseSearchText, MAX_SEARCH_WORDS } from './search-text.js';
export { CachedProductSearch } from './cached-search-index.js';
