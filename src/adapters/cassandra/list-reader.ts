import type { Product, ProductListQuery } from '../../modules/catalog/index.js';
import type { CassandraConnection } from './cassandra-connection.js';
import { compareBy, fromListRow } from './catalog.mapping.js';
import { ALL_SCOPE, categoryScope } from './catalog.rows.js';
import { ListStatements, rangeParams } from './catalog.statements.js';

/** Rows read to sort a price-filtered list by name or date in the API (ADR 9). */
const MAX_FILTERED_SLICE = 20_000;

/** Reads a page of a product list from the list tables: no scan, no secondary index. */
export class ListReader {
  private readonly statements: ListStatements;

  constructor(private readonly db: CassandraConnection) {
    this.statements = new ListStatements(db.keyspace);
  }

  /** The page as the list rows have it (stock not filled in) and the list's total. */
  async page(query: ProductListQuery): Promise<{ page: Product[]; total: number }> {
    const scope = query.filter.category !== undefined ? categoryScope(query.filter.category) : ALL_SCOPE;
    const range = [query.filter.minPrice, query.filter.maxPrice] as const;
    const bounds = rangeParams(range);
    if (bounds.length === 0 || query.sort === 'price') {
      // The list is one slice of one partition, already in the requested order.
      const want = query.offset + query.limit;
      const [rows, count] = await Promise.all([
        this.db.execute(this.statements.page(query.sort, query.order, range), [scope, ...bounds, want], {
          fetchSize: want,
        }),
        this.db.execute(this.statements.count(range), [scope, ...bounds]),
      ]);
      return { page: rows.rows.slice(query.offset).map(fromListRow), total: Number(count.first()!['n']) };
    }
    // A price range sorted by name or date: the price slice (only the matching rows), ordered here.
    const rows: Product[] = [];
    const slice = this.statements.page('price', 'asc', range);
    for await (const row of this.db.rows(slice, [scope, ...bounds, MAX_FILTERED_SLICE]))
      rows.push(fromListRow(row));
    rows.sort(compareBy(query.sort, query.order));
    return { page: rows.slice(query.offset, query.offset + query.limit), total: rows.length };
  }
}
