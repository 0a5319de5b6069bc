import { LRUCache } from 'lru-cache';
import type { ProductSearchIndex, SearchRequest } from './search.ports.js';

type Hits = { ids: string[]; total: number };

/**
 * Keeps recent search *hits* (ids and total) for a short time. Only which products match is
 * cached: the products themselves are read fresh by id on every request, so a price or stock is
 * never stale, and a deleted product drops out at once. A renamed or new product may take up to
 * `ttlMs` to appear in (or leave) the hits of a query already cached on an instance.
 */
export class CachedProductSearch implements ProductSearchIndex {
  private readonly cache: LRUCache<string, Hits>;

  constructor(
    private readonly inner: ProductSearchIndex,
    ttlMs: number,
    options: { maxEntries?: number; now?: () => number } = {},
  ) {
    this.cache = new LRUCache<string, Hits>({
      max: options.maxEntries ?? 10_000,
      ttl: ttlMs,
      // Time is read on every look-up (not cached for a millisecond), from the clock given.
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
  }

  async search(request: SearchRequest): Promise<Hits> {
    const { text, filter, sort, order, limit, offset } = request;
    const key = [
      text,
      filter.category ?? '',
      filter.minPrice ?? '',
      filter.maxPrice ?? '',
      sort,
      order,
      limit,
      offset,
    ].join('\u0000');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const hits = await this.inner.search(request);
    this.cache.set(key, hits);
    return hits;
  }
}
