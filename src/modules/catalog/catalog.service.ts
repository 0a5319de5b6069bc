import { requireAdmin } from '../../platform/access.js';
import type { Principal } from '../../platform/principal.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { ProductSearchIndex, SearchSort } from '../search/index.js';
import { normaliseSearchText } from '../search/index.js';
import type {
  AttributeValue,
  CatalogStore,
  Product,
  ProductChanges,
  ProductFilter,
  SortOrder,
} from './catalog.ports.js';
import type { ProductCache } from './product-cache.js';
import type { ListingCache } from './listing-cache.js';

export interface NewProduct {
  sku: string;
  name: string;
  description?: string;
  category: string;
  price: number;
  currency?: string;
  stock: number;
  attributes?: Record<string, AttributeValue>;
}

export interface ProductListParams {
  search?: string;
  category?: string;
  min_price?: number;
  max_price?: number;
  sort?: SearchSort;
  sort_order?: SortOrder;
  limit: number;
  page: number;
}

export const DEFAULT_CURRENCY = 'RUB';

type ProductPage = { items: Product[]; total: number };

/** What the catalog keeps in memory (ADR 13); absent: every read goes to the store. */
export interface CatalogCaches {
  products: ProductCache;
  /** Which products each list page and search shows; its cards come from `products`. */
  listings?: ListingCache;
}

export class CatalogService {
  constructor(
    private readonly store: CatalogStore,
    private readonly searchIndex: ProductSearchIndex,
    private readonly clock: Clock,
    caches?: CatalogCaches,
  ) {
    this.cache = caches?.products;
    this.listings = caches?.listings;
  }

  private readonly cache: ProductCache | undefined;
  private readonly listings: ListingCache | undefined;

  async create(caller: Principal, input: NewProduct): Promise<Product> {
    requireAdmin(caller, 'change the catalog');
    const now = this.clock.now().toISOString();
    const product: Product = {
      id: newId(),
      sku: input.sku.trim(),
      name: input.name.trim(),
      description: input.description ?? '',
      category: input.category.trim(),
      price: input.price,
      currency: input.currency ?? DEFAULT_CURRENCY,
      stock: input.stock,
      attributes: input.attributes ?? {},
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await this.store.insert(product);
    this.listings?.forgetAll();
    return product;
  }

  async get(id: string): Promise<Product> {
    const product = this.cache
      ? await this.cache.get(id, (key) => this.store.findById(key))
      : await this.store.findById(id);
    if (!product) throw notFound('Product');
    return product;
  }

  async update(
    caller: Principal,
    id: string,
    changes: ProductChanges,
    expectedVersion: number | undefined,
  ): Promise<Product> {
    requireAdmin(caller, 'change the catalog');
    const outcome = await this.store.update(id, changes, expectedVersion, this.clock.now());
    if ('product' in outcome) {
      this.cache?.forget(id, outcome.product.version);
      this.listings?.forgetAll();
    }
    if ('missing' in outcome) throw notFound('Product');
    if ('stale' in outcome) {
      throw new AppError(
        'precondition_failed',
        'The product changed since that ETag; GET it again and retry',
      );
    }
    return outcome.product;
  }

  async delete(caller: Principal, id: string): Promise<void> {
    requireAdmin(caller, 'change the catalog');
    if (!(await this.store.softDelete(id, this.clock.now()))) throw notFound('Product');
    this.cache?.forget(id, 'gone');
    this.listings?.forgetAll();
  }

  async list(params: ProductListParams): Promise<ProductPage> {
    const filter: ProductFilter = {};
    if (params.category !== undefined) filter.category = params.category;
    if (params.min_price !== undefined) filter.minPrice = params.min_price;
    if (params.max_price !== undefined) filter.maxPrice = params.max_price;
    // A range with nothing in it is a question with an empty answer, as SQL would give it.
    if (filter.minPrice !== undefined && filter.maxPrice !== undefined && filter.minPrice > filter.maxPrice) {
      return { items: [], total: 0 };
    }
    const offset = (params.page - 1) * params.limit;
    const text = params.search === undefined ? '' : normaliseSearchText(params.search);
    if (params.search !== undefined && params.search.trim() !== '' && text === '') {
      return { items: [], total: 0 }; // only punctuation: nothing can match
    }
    if (text === '') {
      // Without a search text every product is equally relevant: the default order applies.
      const sort = params.sort === undefined || params.sort === 'relevance' ? 'created_at' : params.sort;
      const order = params.sort_order ?? defaultOrder(sort);
      const query = { filter, sort, order, limit: params.limit, offset };
      return this.page(['list', JSON.stringify(query)], () => this.store.list(query));
    }
    const sort = params.sort ?? 'relevance';
    const order = params.sort_order ?? defaultOrder(sort);
    const request = { text, filter, sort, order, limit: params.limit, offset };
    return this.page(['search', JSON.stringify(request)], async () => {
      const hits = await this.searchIndex.search(request);
      if (hits.ids.length === 0) return { items: [], total: hits.total };
      return { items: inOrder(hits.ids, await this.store.findMany(hits.ids)), total: hits.total };
    });
  }

  /** A page from the listing cache and the product cache when both have it, else as `read` finds it. */
  private async page(key: string[], read: () => Promise<ProductPage>): Promise<ProductPage> {
    if (!this.listings || !this.cache) return read();
    const cacheKey = key.join(' ');
    const listing = this.listings.find(cacheKey);
    if (listing) {
      const cards = await this.cache.getMany(listing.ids, (ids) => this.store.findMany(ids));
      return { items: inOrder(listing.ids, [...cards.values()]), total: listing.total };
    }
    const mark = this.listings.mark();
    const page = await read();
    this.listings.keep(cacheKey, { ids: page.items.map((p) => p.id), total: page.total }, mark);
    return page;
  }
}

/** The products of `ids` in that order; ids no product answers for are left out. */
function inOrder(ids: readonly string[], products: readonly Product[]): Product[] {
  const byId = new Map(products.map((p) => [p.id, p]));
  return ids.map((id) => byId.get(id)).filter((p): p is Product => p !== undefined);
}

export function defaultOrder(sort: SearchSort): SortOrder {
  return sort === 'price' || sort === 'name' ? 'asc' : 'desc';
}
