import { AppError } from '../../platform/errors.js';
import { eachLimited } from '../../platform/each-limited.js';
import type { Logger } from '../../platform/logger.js';
import type {
  CatalogStore,
  Product,
  ProductChanges,
  ProductListQuery,
  ReindexReport,
  UpdateOutcome,
} from '../../modules/catalog/index.js';
import type { CatalogProjection, CatalogRecord } from '../catalog-projection.js';
import type { CassandraConnection } from './cassandra-connection.js';
import { reindexCatalog } from './catalog-reindex.js';
import { toProduct } from './catalog.mapping.js';
import { ALL_SCOPE, changed } from './catalog.rows.js';
import { catalogStatements, type CatalogStatements } from './catalog.statements.js';
import { ListReader } from './list-reader.js';
import { ListWriter } from './list-writer.js';
import { ProductRows } from './product-rows.js';
import { ProjectionSync } from './projection-sync.js';
import { SkuClaims } from './sku-claims.js';

const busy = () =>
  new AppError('unavailable', 'The product is changing too often right now; try again', {
    retryAfterSeconds: 1,
  });

/**
 * The catalog in Cassandra (ADR 9), with stock and search kept in PostgreSQL by a projection.
 * A change is: the sku claim, the product row by lightweight transaction (version check), its list
 * rows (one batch per scope), then the PostgreSQL projection; a read that finds PostgreSQL or a
 * list row behind repairs it. Each of those is a part of its own; this class puts them in order.
 */
export class CassandraCatalogStore implements CatalogStore {
  private readonly sql: CatalogStatements;
  private readonly rows: ProductRows;
  private readonly skus: SkuClaims;
  private readonly lists: ListWriter;
  private readonly reader: ListReader;
  private readonly sync: ProjectionSync;

  constructor(
    private readonly db: CassandraConnection,
    private readonly projection: CatalogProjection,
    logger: Logger,
  ) {
    this.sql = catalogStatements(db.keyspace);
    this.rows = new ProductRows(db, this.sql);
    this.skus = new SkuClaims(db, this.sql, this.rows);
    this.lists = new ListWriter(db);
    this.reader = new ListReader(db);
    this.sync = new ProjectionSync(this.lists, projection, logger);
  }

  async insert(product: Product): Promise<void> {
    await this.skus.claim(product.sku, product.id);
    const record: CatalogRecord = { ...product, stockVersion: product.version, deletedAt: null };
    await this.rows.insert(record);
    await this.sync.commit(record, []);
  }

  async insertMany(products: Product[]): Promise<number> {
    const created: CatalogRecord[] = [];
    await eachLimited(products, 16, async (product) => {
      let claim: 'claimed' | 'ours';
      try {
        claim = await this.skus.claim(product.sku, product.id);
      } catch (error) {
        if (error instanceof AppError && error.code === 'duplicate') return;
        throw error;
      }
      // The sku was already this id's: seeded before, unless an earlier seed stopped half-way.
      if (claim === 'ours' && (await this.rows.read(product.id))) return;
      const record: CatalogRecord = { ...product, stockVersion: product.version, deletedAt: null };
      await this.rows.insert(record);
      await this.lists.write(record, []);
      created.push(record);
    });
    for (let i = 0; i < created.length; i += 500) await this.projection.apply(created.slice(i, i + 500));
    return created.length;
  }

  /** One single-partition read, sent straight to a replica (token-aware), and the stock beside it. */
  async findById(id: string): Promise<Product | null> {
    const [record, projected] = await Promise.all([this.rows.read(id), this.projection.read([id])]);
    if (!record || record.deletedAt !== null) return null;
    const p = projected.get(id);
    const stock = p && p.version === record.version ? p.stock : await this.sync.reproject(record, p);
    return toProduct(record, stock);
  }

  /** Each sku's claim, then its product (QUORUM reads, 16 at a time). */
  async findBySkus(skus: readonly string[]): Promise<Product[]> {
    const found: Product[] = [];
    await eachLimited([...skus], 16, async (sku) => {
      const id = await this.skus.owner(sku);
      const product = id ? await this.findById(id) : null;
      if (product && product.sku === sku) found.push(product);
    });
    return found;
  }

  /**
   * Search results come from PostgreSQL's copy, where the search index is: one query for the page
   * instead of a QUORUM read per hit, and the items are the version the index matched (ADR 9).
   */
  findMany(ids: readonly string[]): Promise<Product[]> {
    return this.projection.products(ids);
  }

  async list(query: ProductListQuery): Promise<{ items: Product[]; total: number }> {
    const { page, total } = await this.reader.page(query);
    const projected = await this.projection.read(page.map((p) => p.id));
    const stale = page.filter((p) => projected.get(p.id)?.version !== p.version);
    if (stale.length === 0) {
      return { items: page.map((p) => ({ ...p, stock: projected.get(p.id)!.stock })), total };
    }
    // A list row or PostgreSQL is behind the product: read those products whole and repair both.
    const fresh = new Map<string, Product | null>();
    await Promise.all(
      stale.map(async (listed) => {
        const record = await this.rows.read(listed.id);
        if (!record) return fresh.set(listed.id, null);
        const stock = await this.sync.reproject(record, projected.get(listed.id), [listed]);
        fresh.set(listed.id, record.deletedAt === null ? toProduct(record, stock) : null);
      }),
    );
    const items = page
      .map((p) => (fresh.has(p.id) ? fresh.get(p.id) : { ...p, stock: projected.get(p.id)!.stock }))
      .filter((p): p is Product => p !== null && p !== undefined);
    return { items, total };
  }

  async update(
    id: string,
    changes: ProductChanges,
    expectedVersion: number | undefined,
    at: Date,
  ): Promise<UpdateOutcome> {
    // Without If-Match, a lost race with another writer is simply tried again on the new version.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.rows.read(id);
      if (!current || current.deletedAt !== null) return { missing: true };
      if (expectedVersion !== undefined && current.version !== expectedVersion) return { stale: true };
      const next = changed(current, changes, at);
      const skuMoves = next.sku !== current.sku;
      if (skuMoves) await this.skus.claim(next.sku, id);
      if (!(await this.rows.compareAndSet(current, next))) {
        if (skuMoves) await this.skus.release(next.sku, id);
        if (expectedVersion !== undefined) return { stale: true };
        continue;
      }
      if (skuMoves) await this.skus.release(current.sku, id);
      const stock = await this.sync.commit(next, [current]);
      return { product: toProduct(next, stock) };
    }
    throw busy();
  }

  async softDelete(id: string, at: Date): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.rows.read(id);
      if (!current || current.deletedAt !== null) return false;
      const next: CatalogRecord = {
        ...current,
        version: current.version + 1,
        updated_at: at.toISOString(),
        deletedAt: at.toISOString(),
      };
      if (!(await this.rows.compareAndSet(current, next))) continue;
      await this.skus.release(current.sku, id);
      await this.sync.commit(next, [current]);
      return true;
    }
    throw busy();
  }

  async count(): Promise<number> {
    const result = await this.db.execute(this.sql.count, [ALL_SCOPE]);
    return Number(result.first()!['n']);
  }

  reindex(): Promise<ReindexReport> {
    const { db, sql, projection, lists, sync } = this;
    return reindexCatalog({ db, sql, projection, lists, sync });
  }
}
