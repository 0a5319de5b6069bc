import { LRUCache } from 'lru-cache';
import type { ProductChangeListener } from './product-cache.js';

/** Which products a list page or a search shows, in order, and how many match in all. */
export interface Listing {
  ids: string[];
  total: number;
}

export interface ListingCacheObserver {
  hit(): void;
  miss(): void;
}

export interface ListingCacheOptions {
  maxEntries: number;
  ttlMs: number;
  observer?: ListingCacheObserver;
  /** Milliseconds of a monotonic clock (tests drive it). */
  now?: () => number;
}

/**
 * Which products each recent list page and search shows (ADR 13): only the ids and the total, the
 * cards come from the product cache. Any change that can move a product between pages (created,
 * deleted, renamed, re-priced, moved to another category) empties it, here at once and on every
 * other instance when the change feed tells; stock moved by orders does not, since no filter or
 * order depends on stock. Served only while the feed is up, like the cards, and never longer than
 * the TTL. A read that overlapped an emptying keeps nothing.
 */
export class ListingCache implements ProductChangeListener {
  private readonly entries: LRUCache<string, Listing>;
  private feedUp = false;
  private epoch = 0;

  constructor(private readonly options: ListingCacheOptions) {
    this.entries = new LRUCache<string, Listing>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
  }

  /** The listing cached under `key`, or undefined (a miss: the caller reads it and offers it back with `keep`). */
  find(key: string): Listing | undefined {
    const cached = this.feedUp ? this.entries.get(key) : undefined;
    if (cached) this.options.observer?.hit();
    else this.options.observer?.miss();
    return cached;
  }

  /** A mark to hand back to `keep`: taken before reading, it tells whether the read overlapped a change. */
  mark(): number {
    return this.epoch;
  }

  keep(key: string, listing: Listing, mark: number): void {
    if (this.feedUp && this.epoch === mark) this.entries.set(key, listing);
  }

  /** A change made here that may move products between pages: visible to the next request. */
  forgetAll(): void {
    this.empty();
  }

  changed(_productId: string, _version: number, listing: boolean): void {
    if (listing) this.empty();
  }

  down(): void {
    this.feedUp = false;
    this.empty();
  }

  up(): void {
    this.empty();
    this.feedUp = true;
  }

  get size(): number {
    return this.entries.size;
  }

  private empty(): void {
    this.epoch++;
    this.entries.clear();
  }
}
