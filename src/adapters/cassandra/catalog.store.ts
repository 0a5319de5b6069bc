import cassandra from 'cassandra-driver';
import { AppError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type {
  CatalogProjection,
  CatalogRecord,
  CatalogStore,
  Product,
  ProductChanges,
  ProductListQuery,
  ProjectedProduct,
  ReindexReport,
  UpdateOutcome,
} from '../../modules/catalog/index.js';
import type { CassandraConnection, Row, Statement } from './cassandra-connection.js';
import { COUNT_TABLE, LISTINGS, LIST_TABLES } from './catalog.schema.js';
import { isUnknownOutcome } from './errors.js';
import {
  ALL_SCOPE,
  categoryScope,
  changed,
  listChanges,
  parseAttributes,
  type ListedKeys,
} from './catalog.rows.js';

const COLUMNS =
  'id, sku, name, description, category, price, currency, attributes, version, created_at, updated_at';
const LIST_COLUMNS = `scope, ${COLUMNS}`;
/** How long a sku claim whose product row is missing counts as a create still in flight. */
const CLAIM_IN_FLIGHT_MS = 30_000;
/** Rows read to sort a price-filtered list by name or date in the API (ADR 9). */
const MAX_FILTERED_SLICE = 20_000;
const duplicate = () => new AppError('duplicate', 'A product with this sku already exists');

/**
 * The catalog in Cassandra (ADR 9), with stock and search kept in PostgreSQL by a projection.
 * A change is: the product row by lightweight transaction (version check), its list rows (one
 * batch per scope), then the PostgreSQL projection; a read that finds PostgreSQL behind repairs it.
 */
export class CassandraCatalogStore implements CatalogStore {
  private readonly sql;
  private readonly listStatements = new Map<string, Statement>();

  constructor(
    private readonly db: CassandraConnection,
    private readonly projection: CatalogProjection,
    private readonly logger: Logger,
  ) {
    const ks = db.keyspace;
    const s = (name: string, cql: string, idempotent: boolean): Statement => ({ name, cql, idempotent });
    this.sql = {
      byIdSerial: s(
        'products.by_id_serial',
        `SELECT ${COLUMNS}, stock, stock_version, deleted_at FROM ${ks}.products WHERE id = ?`,
        true,
      ),
      byId: s(
        'products.by_id',
        `SELECT ${COLUMNS}, stock, stock_version, deleted_at FROM ${ks}.products WHERE id = ?`,
        true,
      ),
      all: s(
        'products.scan',
        `SELECT ${COLUMNS}, stock, stock_version, deleted_at FROM ${ks}.products`,
        true,
      ),
      insert: s(
        'products.insert',
        `INSERT INTO ${ks}.products (${COLUMNS}, stock, stock_version, deleted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null)`,
        true,
      ),
      update: s(
        'products.update_if_version',
        // The columns in insertParams' order (created_at rewritten with its own value).
        `UPDATE ${ks}.products SET sku = ?, name = ?, description = ?, category = ?, price = ?,
           currency = ?, attributes = ?, version = ?, created_at = ?, updated_at = ?, stock = ?,
           stock_version = ?, deleted_at = ?
         WHERE id = ? IF version = ?`,
        false,
      ),
      claimSku: s(
        'skus.claim',
        `INSERT INTO ${ks}.product_skus (sku, product_id) VALUES (?, ?) IF NOT EXISTS`,
        false,
      ),
      claimAge: s(
        'skus.claim_age',
        `SELECT product_id, WRITETIME(product_id) AS written FROM ${ks}.product_skus WHERE sku = ?`,
        true,
      ),
      takeOverSku: s(
        'skus.take_over',
        `UPDATE ${ks}.product_skus SET product_id = ? WHERE sku = ? IF product_id = ?`,
        false,
      ),
      releaseSku: s('skus.release', `DELETE FROM ${ks}.product_skus WHERE sku = ? IF product_id = ?`, false),
      count: s('products.count', `SELECT COUNT(*) AS n FROM ${ks}.${COUNT_TABLE} WHERE scope = ?`, true),
    };
  }

  async insert(product: Product): Promise<void> {
    await this.claimSku(product.sku, product.id);
    const record: CatalogRecord = { ...product, stockVersion: product.version, deletedAt: null };
    await this.db.execute(this.sql.insert, insertParams(record));
    await this.commit(record, []);
  }

  async insertMany(products: Product[]): Promise<number> {
    const created: CatalogRecord[] = [];
    await eachLimited(products, 16, async (product) => {
      let claim: 'claimed' | 'ours';
      try {
        claim = await this.claimSku(product.sku, product.id);
      } catch (error) {
        if (error instanceof AppError && error.code === 'duplicate') return;
        throw error;
      }
      // The sku was already this id's: seeded before, unless an earlier seed stopped half-way.
      if (claim === 'ours' && (await this.row(product.id))) return;
      const record: CatalogRecord = { ...product, stockVersion: product.version, deletedAt: null };
      await this.db.execute(this.sql.insert, insertParams(record));
      await this.writeLists(record, []);
      created.push(record);
    });
    for (let i = 0; i < created.length; i += 500) await this.projection.apply(created.slice(i, i + 500));
    return created.length;
  }

  /** One single-partition read, sent straight to a replica (token-aware), and the stock beside it. */
  async findById(id: string): Promise<Product | null> {
    const [record, projected] = await Promise.all([this.row(id), this.projection.read([id])]);
    if (!record || record.deletedAt !== null) return null;
    const p = projected.get(id);
    const stock = p && p.version === record.version ? p.stock : await this.reproject(record, p);
    return toProduct(record, stock);
  }

  /**
   * Search results come from PostgreSQL's copy, where the search index is: one query for the page
   * instead of a QUORUM read per hit, and the items are the version the index matched (ADR 9).
   */
  findMany(ids: readonly string[]): Promise<Product[]> {
    return this.projection.products(ids);
  }

  async list(query: ProductListQuery): Promise<{ items: Product[]; total: number }> {
    const scope = query.filter.category !== undefined ? categoryScope(query.filter.category) : ALL_SCOPE;
    const range = [query.filter.minPrice, query.filter.maxPrice] as const;
    const byPrice = range.some((v) => v !== undefined);
    let page: Product[];
    let total: number;
    if (!byPrice || query.sort === 'price') {
      // The list is one slice of one partition, already in the requested order.
      const want = query.offset + query.limit;
      const [rows, count] = await Promise.all([
        this.db.execute(
          this.listStatement(query.sort, query.order, range),
          [scope, ...defined(range), want],
          {
            fetchSize: want,
          },
        ),
        this.db.execute(this.countStatement(range), [scope, ...defined(range)]),
      ]);
      page = rows.rows.slice(query.offset).map(fromListRow);
      total = Number(count.first()!['n']);
    } else {
      // A price range sorted by name or date: the price slice (only the matching rows), ordered here.
      const rows: Product[] = [];
      for await (const row of this.db.rows(this.listStatement('price', 'asc', range), [
        scope,
        ...defined(range),
        MAX_FILTERED_SLICE,
      ]))
        rows.push(fromListRow(row));
      rows.sort(compareBy(query.sort, query.order));
      total = rows.length;
      page = rows.slice(query.offset, query.offset + query.limit);
    }
    const projected = await this.projection.read(page.map((p) => p.id));
    const stale = page.filter((p) => projected.get(p.id)?.version !== p.version);
    if (stale.length === 0) {
      return { items: page.map((p) => ({ ...p, stock: projected.get(p.id)!.stock })), total };
    }
    // A list row or PostgreSQL is behind the product: read those products whole and repair both.
    const fresh = new Map<string, Product | null>();
    await Promise.all(
      stale.map(async (listed) => {
        const record = await this.row(listed.id);
        if (!record) return fresh.set(listed.id, null);
        const stock = await this.reproject(record, projected.get(listed.id), [listed]);
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
      const current = await this.row(id);
      if (!current || current.deletedAt !== null) return { missing: true };
      if (expectedVersion !== undefined && current.version !== expectedVersion) return { stale: true };
      const next = changed(current, changes, at);
      const skuMoves = next.sku !== current.sku;
      if (skuMoves) await this.claimSku(next.sku, id);
      if (!(await this.compareAndSet(current, next))) {
        if (skuMoves) await this.releaseSku(next.sku, id);
        if (expectedVersion !== undefined) return { stale: true };
        continue;
      }
      if (skuMoves) await this.releaseSku(current.sku, id);
      const stock = await this.commit(next, [current]);
      return { product: toProduct(next, stock) };
    }
    throw new AppError('unavailable', 'The product is changing too often right now; try again', {
      retryAfterSeconds: 1,
    });
  }

  async softDelete(id: string, at: Date): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.row(id);
      if (!current || current.deletedAt !== null) return false;
      const next: CatalogRecord = {
        ...current,
        version: current.version + 1,
        updated_at: at.toISOString(),
        deletedAt: at.toISOString(),
      };
      if (!(await this.compareAndSet(current, next))) continue;
      await this.releaseSku(current.sku, id);
      await this.commit(next, [current]);
      return true;
    }
    throw new AppError('unavailable', 'The product is changing too often right now; try again', {
      retryAfterSeconds: 1,
    });
  }

  async count(): Promise<number> {
    const result = await this.db.execute(this.sql.count, [ALL_SCOPE]);
    return Number(result.first()!['n']);
  }

  /**
   * Re-projects the whole catalog: every product's list rows and its PostgreSQL row (so the search
   * index) brought to the product's version, and list rows that belong to no current state removed.
   */
  async reindex(): Promise<ReindexReport> {
    const products = new Map<string, CatalogRecord>();
    for await (const row of this.db.rows(this.sql.all, [])) {
      const record = fromRow(row);
      products.set(record.id, record);
    }
    let repaired = 0;
    const ids = [...products.keys()];
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200);
      const projected = await this.projection.read(chunk);
      const behind = new Set(chunk.filter((id) => projected.get(id)?.version !== products.get(id)!.version));
      // Every product's list rows are written again (at its version: a no-op where they are
      // right), so a list table added since, or a lost row, is filled in too.
      await eachLimited(chunk, 8, (id) => {
        const r = products.get(id)!;
        return behind.has(id) ? this.reproject(r, projected.get(id)) : this.writeLists(r, []);
      });
      repaired += behind.size;
    }
    let listRowsRemoved = 0;
    for (const { table } of LISTINGS) {
      const scan: Statement = {
        name: `lists.scan.${table}`,
        cql: `SELECT ${table === COUNT_TABLE ? 'scope, price, id' : LIST_COLUMNS} FROM ${this.db.keyspace}.${table}`,
        idempotent: true,
      };
      for await (const row of this.db.rows(scan, [])) {
        const listed = listedKeysOf(row, table === COUNT_TABLE);
        const owner = products.get(listed.id);
        const current = owner && owner.deletedAt === null ? owner : null;
        const { deletes } = listChanges(current, [listed]);
        const mine = deletes.filter((d) => d.table === table && d.scope === String(row['scope']));
        if (mine.length === 0) continue;
        await this.db.partitionBatch(
          'lists.clean',
          mine.map((d) => this.deleteListRow(d, listed.id, owner?.version ?? listed.version + 1)),
        );
        listRowsRemoved += mine.length;
      }
    }
    return { products: products.size, repaired, listRowsRemoved };
  }

  // --- internals -------------------------------------------------------------------------------

  private async row(id: string, linearizable = false): Promise<CatalogRecord | null> {
    const result = linearizable
      ? await this.db.execute(this.sql.byIdSerial, [id], { serial: true })
      : await this.db.execute(this.sql.byId, [id]);
    const row = result.first();
    return row ? fromRow(row) : null;
  }

  /**
   * The version-checked write. When the node coordinating it fails before answering, whether it
   * applied is unknown: a linearizable (SERIAL) read tells, and a write that did not apply is
   * sent once more, so a node crash costs the client nothing.
   */
  private async compareAndSet(current: CatalogRecord, next: CatalogRecord): Promise<boolean> {
    try {
      return await this.sendCompareAndSet(current, next);
    } catch (error) {
      if (!isUnknownOutcome(error)) throw error;
      const seen = await this.row(current.id, true);
      if (seen?.version === next.version && seen.updated_at === next.updated_at) return true;
      if (seen?.version !== current.version) return false;
      return this.sendCompareAndSet(current, next);
    }
  }

  private async sendCompareAndSet(current: CatalogRecord, next: CatalogRecord): Promise<boolean> {
    const result = await this.db.execute(this.sql.update, [
      ...insertParams(next).slice(1),
      next.deletedAt === null ? null : new Date(next.deletedAt),
      next.id,
      current.version,
    ]);
    return result.wasApplied();
  }

  /**
   * Takes the sku for `id`, or fails with `duplicate`. A claim whose product was deleted, or was
   * never written (a create that failed half-way, older than a create can take), is taken over.
   */
  private async claimSku(sku: string, id: string): Promise<'claimed' | 'ours'> {
    // Sent again when its outcome is unknown: a claim that did apply then reads as ours.
    const claim = await this.db
      .execute(this.sql.claimSku, [sku, id])
      .catch((error: unknown) =>
        isUnknownOutcome(error) ? this.db.execute(this.sql.claimSku, [sku, id]) : Promise.reject(error),
      );
    if (claim.wasApplied()) return 'claimed';
    const owner = String(claim.first()!['product_id']);
    if (owner === id) return 'ours';
    const ownerRow = await this.row(owner);
    if (ownerRow && ownerRow.deletedAt === null) throw duplicate();
    if (!ownerRow) {
      const age = await this.db.execute(this.sql.claimAge, [sku]);
      const written = Number(age.first()?.['written'] ?? 0) / 1000;
      if (Date.now() - written < CLAIM_IN_FLIGHT_MS) throw duplicate();
    }
    const takeOver = await this.db.execute(this.sql.takeOverSku, [id, sku, owner]);
    if (!takeOver.wasApplied()) throw duplicate();
    return 'claimed';
  }

  private async releaseSku(sku: string, id: string): Promise<void> {
    // Conditional on the owner, so sending it again is harmless.
    await this.db
      .execute(this.sql.releaseSku, [sku, id])
      .catch((error: unknown) =>
        isUnknownOutcome(error) ? this.db.execute(this.sql.releaseSku, [sku, id]) : Promise.reject(error),
      );
  }

  /**
   * After the product row took the change: the list rows, then PostgreSQL. A failure of the
   * PostgreSQL step does not undo the change (Cassandra has it at QUORUM): it is logged, retried
   * in the background, repaired by the next read of the product, or by `bazaar reindex`.
   */
  private async commit(next: CatalogRecord, previous: ListedKeys[]): Promise<number> {
    // A new product (version 1, a fresh id) has no PostgreSQL row yet: nothing to read.
    const projected =
      next.version === 1
        ? undefined
        : (await this.projection.read([next.id]).catch(() => new Map<string, ProjectedProduct>())).get(
            next.id,
          );
    await this.writeLists(next, projected ? [...previous, projected] : previous);
    try {
      return (await this.projection.apply([next])).get(next.id) ?? next.stock;
    } catch (error) {
      this.logger.warn(
        { err: error, product: next.id, version: next.version },
        'projection behind; retrying',
      );
      this.retryProjection(next, 1);
      return projected?.stock ?? next.stock;
    }
  }

  private retryProjection(record: CatalogRecord, attempt: number): void {
    if (attempt > 5) return;
    setTimeout(
      () => {
        this.projection.apply([record]).catch(() => this.retryProjection(record, attempt + 1));
      },
      500 * 2 ** attempt,
    ).unref();
  }

  /**
   * The list rows of a change: one single-partition batch per list partition touched (clearing
   * the old row and writing the new one together), all in parallel. Every row is written at the
   * product's version as its timestamp, so the batches may land in any order, or be sent again,
   * and the lists still converge on the newest version.
   */
  private async writeLists(next: CatalogRecord, previous: ListedKeys[]): Promise<void> {
    const { writes, deletes } = listChanges(next.deletedAt === null ? next : null, previous);
    const ks = this.db.keyspace;
    // Every list table is partitioned by scope: one scope's rows, whatever the table, share a
    // partition key and so go to the same replicas as one batch, applied there as one mutation.
    const partitions = new Map<string, Array<{ query: string; params: unknown[] }>>();
    const add = (scope: string, mutation: { query: string; params: unknown[] }) => {
      partitions.set(scope, [...(partitions.get(scope) ?? []), mutation]);
    };
    for (const d of deletes) add(d.scope, this.deleteListRow(d, next.id, next.version));
    for (const w of writes) {
      add(
        w.scope,
        w.table === COUNT_TABLE
          ? {
              query: `INSERT INTO ${ks}.${COUNT_TABLE} (scope, price, id) VALUES (?, ?, ?) USING TIMESTAMP ?`,
              params: [w.scope, next.price, next.id, next.version],
            }
          : {
              query: `INSERT INTO ${ks}.${w.table} (${LIST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                USING TIMESTAMP ?`,
              params: [w.scope, ...insertParams(next).slice(0, 11), next.version],
            },
      );
    }
    await Promise.all([...partitions.values()].map((batch) => this.db.partitionBatch('lists.write', batch)));
  }

  private deleteListRow(d: ReturnType<typeof listChanges>['deletes'][number], id: string, version: number) {
    const column = d.sort === 'created_at' ? 'created_at' : d.sort;
    return {
      query: `DELETE FROM ${this.db.keyspace}.${d.table} USING TIMESTAMP ? WHERE scope = ? AND ${column} = ? AND id = ?`,
      params: [version, d.scope, d.key, id],
    };
  }

  /** Brings the list rows and PostgreSQL to the product's version; returns the live stock. */
  private async reproject(
    record: CatalogRecord,
    projected: ProjectedProduct | undefined,
    listed: ListedKeys[] = [],
  ): Promise<number> {
    await this.writeLists(record, [...(projected ? [projected] : []), ...listed]);
    return (await this.projection.apply([record])).get(record.id) ?? record.stock;
  }

  private listStatement(
    sort: ProductListQuery['sort'],
    order: ProductListQuery['order'],
    range: readonly [number | undefined, number | undefined],
  ): Statement {
    const name = `lists.${sort}.${order}.${range[0] !== undefined ? 'l' : ''}${range[1] !== undefined ? 'h' : ''}`;
    let statement = this.listStatements.get(name);
    if (!statement) {
      const column = sort;
      const dir = order === 'asc' ? 'ASC' : 'DESC';
      statement = {
        name,
        cql: `SELECT ${LIST_COLUMNS} FROM ${this.db.keyspace}.${LIST_TABLES[sort]} WHERE scope = ?${priceRange(range)}
              ORDER BY ${column} ${dir}, id ${dir} LIMIT ?`,
        idempotent: true,
      };
      this.listStatements.set(name, statement);
    }
    return statement;
  }

  /** A list's total: the same slice of the keys-only table (ADR 9). */
  private countStatement(range: readonly [number | undefined, number | undefined]): Statement {
    return {
      name: `lists.count.${range[0] !== undefined ? 'l' : ''}${range[1] !== undefined ? 'h' : ''}`,
      cql: `SELECT COUNT(*) AS n FROM ${this.db.keyspace}.${COUNT_TABLE} WHERE scope = ?${priceRange(range)}`,
      idempotent: true,
    };
  }
}

function priceRange(range: readonly [number | undefined, number | undefined]): string {
  return (
    (range[0] !== undefined ? ' AND price >= ?' : '') + (range[1] !== undefined ? ' AND price <= ?' : '')
  );
}

function defined(range: readonly [number | undefined, number | undefined]): number[] {
  return range.filter((v): v is number => v !== undefined);
}

function insertParams(r: CatalogRecord): unknown[] {
  return [
    r.id,
    r.sku,
    r.name,
    r.description,
    r.category,
    r.price,
    r.currency,
    JSON.stringify(r.attributes),
    r.version,
    new Date(r.created_at),
    new Date(r.updated_at),
    r.stock,
    r.stockVersion,
  ];
}

const num = (value: unknown): number =>
  value instanceof cassandra.types.Long ? value.toNumber() : Number(value ?? 0);
const iso = (value: unknown): string => (value as Date).toISOString();

/** The keys a list row was written under; a keys-only row has its scope, price and id alone. */
function listedKeysOf(row: Row, keysOnly: boolean): ListedKeys & { version: number } {
  if (keysOnly) {
    const scope = String(row['scope']);
    const category = scope === ALL_SCOPE ? '' : scope.slice(categoryScope('').length);
    return {
      id: String(row['id']),
      name: '',
      price: num(row['price']),
      category,
      created_at: iso(new Date(0)),
      version: 0,
    };
  }
  return fromListRow(row);
}

function fromListRow(row: Row): Product {
  return {
    id: String(row['id']),
    sku: String(row['sku']),
    name: String(row['name']),
    description: String(row['description'] ?? ''),
    category: String(row['category']),
    price: num(row['price']),
    currency: String(row['currency']),
    stock: 0,
    attributes: parseAttributes(row['attributes'] as string | null),
    version: Number(row['version']),
    created_at: iso(row['created_at']),
    updated_at: iso(row['updated_at']),
  };
}

function fromRow(row: Row): CatalogRecord {
  const deleted = row['deleted_at'] as Date | null;
  return {
    ...fromListRow(row),
    stock: Number(row['stock'] ?? 0),
    stockVersion: Number(row['stock_version'] ?? 0),
    deletedAt: deleted ? deleted.toISOString() : null,
  };
}

function toProduct(record: CatalogRecord, stock: number): Product {
  const { stockVersion: _sv, deletedAt: _d, ...product } = record;
  return { ...product, stock };
}

function compareBy(sort: 'name' | 'created_at', order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: Product, b: Product): number => {
    const x = sort === 'name' ? a.name : a.created_at;
    const y = sort === 'name' ? b.name : b.created_at;
    // Code-point order, as Cassandra's text clustering and PostgreSQL's C.UTF-8 collation sort.
    const primary = x < y ? -1 : x > y ? 1 : 0;
    return sign * (primary !== 0 ? primary : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}

/** Runs `work` over the items with at most `limit` in flight. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
