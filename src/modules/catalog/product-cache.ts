import { LRUCache } from 'lru-cache';
import type { Product } from './catalog.ports.js';

/** What the product cache reports, for /metrics (the composition root decides how it is counted). */
export interface ProductCacheObserver {
  hit(): void;
  miss(): void;
  evicted(): void;
  /** True while the change feed is down and every read goes to the store. */
  bypassing(on: boolean): void;
}

/** What the cache is told by the change feed (ADR 13). */
export interface ProductChangeListener {
  /**
   * A product changed somewhere (another instance, an order, the expiry job) to this version.
   * `listing`: the change may move it between list pages or searches (created, deleted, or
   * anything besides its stock changed); false for stock moved by an order.
   */
  changed(productId: string, version: number, listing: boolean): void;
  /** The feed may be missing changes from now on. */
  down(): void;
  /** The feed delivers every change again (those missed meanwhile are unknown). */
  up(): void;
}

/** Tells every API instance which products changed, as soon as each change commits. */
export interface ProductChangeFeed {
  start(listener: ProductChangeListener): Promise<void>;
  stop(): Promise<void>;
}

export interface ProductCacheOptions {
  maxEntries: number;
  ttlMs: number;
  observer?: ProductCacheObserver;
  /** Milliseconds of a monotonic clock (tests drive it). */
  now?: () => number;
}

/** A version no copy of a deleted product can reach: it is never kept again. */
const GONE = Number.MAX_SAFE_INTEGER;

/**
 * Product cards kept in this instance's memory (LRU with a TTL), under one rule: an entry is served
 * only while the change feed is up, so a change made anywhere reaches this cache within the feed's
 * delay, and never later than the TTL even if a message is lost. While the feed is down the cache
 * is bypassed, and it starts empty when the feed is back. A change made here is forgotten at once
 * (`forget`), before the request that made it is answered. A copy older than the newest version
 * announced for its product (read from a standby that lags) is returned but never kept.
 */
export class ProductCache implements ProductChangeListener {
  private readonly entries: LRUCache<string, Product>;
  /** The newest version announced per product: a copy below it is stale. */
  private readonly floors: LRUCache<string, number>;
  private feedUp = false;
  /** Moves on when the cache is emptied or a change of unknown version is forgotten: a read that overlapped it keeps nothing. */
  private epoch = 0;

  constructor(private readonly options: ProductCacheOptions) {
    const clock = options.now ? { perf: { now: options.now } } : {};
    this.entries = new LRUCache<string, Product>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      ttlResolution: 0,
      ...clock,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') options.observer?.evicted();
      },
    });
    this.floors = new LRUCache<string, number>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      ttlResolution: 0,
      ...clock,
    });
    options.observer?.bypassing(true);
  }

  /** The cached card, or the store's (kept unless the cache was emptied or a newer version is known). */
  async get(id: string, load: (id: string) => Promise<Product | null>): Promise<Product | null> {
    if (this.feedUp) {
      const cached = this.entries.get(id);
      if (cached) {
        this.options.observer?.hit();
        return cached;
      }
    }
    this.options.observer?.miss();
    const epoch = this.epoch;
    const product = await load(id);
    // A missing product is not kept: creating it needs no message to be seen.
    if (product && this.feedUp && this.epoch === epoch && product.version >= (this.floors.get(id) ?? 0))
      this.entries.set(id, product);
    return product;
  }

  /**
   * Cards of several products (a page): those cached, and the rest read in one call to the store,
   * each kept under the same rule as `get`. Products the store no longer has are absent.
   */
  async getMany(
    ids: readonly string[],
    load: (ids: readonly string[]) => Promise<Product[]>,
  ): Promise<Map<string, Product>> {
    const found = new Map<string, Product>();
    const missing: string[] = [];
    for (const id of ids) {
      const cached = this.feedUp ? this.entries.get(id) : undefined;
      if (cached) {
        this.options.observer?.hit();
        found.set(id, cached);
      } else {
        this.options.observer?.miss();
        missing.push(id);
      }
    }
    if (missing.length === 0) return found;
    const epoch = this.epoch;
    for (const product of await load(missing)) {
      found.set(product.id, product);
      if (this.feedUp && this.epoch === epoch && product.version >= (this.floors.get(product.id) ?? 0))
        this.entries.set(product.id, product);
    }
    return found;
  }

  /**
   * Drops a product's card now because it changed here: to `version` when known, or deleted
   * (`'gone'`), or by an amount unknown (stock moved by an order: the feed tells the version).
   */
  forget(id: string, version?: number | 'gone'): void {
    this.entries.delete(id);
    if (version !== undefined) this.raiseFloor(id, version === 'gone' ? GONE : version);
    // The new version unknown, a read that overlapped the change could keep the old copy: none does.
    else this.epoch++;
  }

  changed(productId: string, version: number, _listing: boolean): void {
    this.entries.delete(productId);
    this.raiseFloor(productId, version);
  }

  down(): void {
    this.feedUp = false;
    this.empty();
    this.options.observer?.bypassing(true);
  }

  up(): void {
    this.empty();
    this.feedUp = true;
    this.options.observer?.bypassing(false);
  }

  get size(): number {
    return this.entries.size;
  }

  private raiseFloor(id: string, version: number): void {
    this.floors.set(id, Math.max(version, this.floors.get(id) ?? 0));
  }

  private empty(): void {
    this.epoch++;
    this.entries.clear();
  }
}

/** One feed, several caches: each is told every change and every state of the feed. */
export function toEvery(...listeners: ProductChangeListener[]): ProductChangeListener {
  return {
    changed: (id, version, listing) => listeners.forEach((l) => l.changed(id, version, listing)),
    down: () => listeners.forEach((l) => l.down()),
    up: () => listeners.forEach((l) => l.up()),
  };
}
