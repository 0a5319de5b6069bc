import type { ProductSearchIndex, SearchRequest } from '../../modules/search/index.js';
import { BULK_STATEMENT_TIMEOUT_MS, type Database, type Statement } from './database.js';
import { filterClause } from './catalog.store.js';

/**
 * Full-text search over the products' stored `search_document` (lemmas and stems of name,
 * category, description and attribute values; see migration 002), ranked by ts_rank.
 */
/** A statement that makes a server session load the search dictionaries (for warming a pool). */
export const LOAD_SEARCH_DICTIONARIES: Statement = {
  name: 'search.warm',
  text: `SELECT bazaar_search_query('платье dress') IS NOT NULL AS loaded`,
  // A cold server on a small host loads them slowly, and its first sessions queue for the CPU.
  timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
};

export class PostgresProductSearch implements ProductSearchIndex {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  async search(request: SearchRequest): Promise<{ ids: string[]; total: number }> {
    const where = filterClause(request.filter, 4);
    const { rows } = await this.db.query<{ id: string; total: number }>(this.statement(where, request), [
      request.text,
      request.limit,
      request.offset,
      ...where.values,
    ]);
    if (rows.length > 0 || request.offset === 0)
      return { ids: rows.map((r) => r.id), total: rows[0]?.total ?? 0 };
    // A page past the end has no row to carry the total: count on its own.
    const countWhere = filterClause(request.filter, 2);
    const count = await this.db.query<{ total: number }>(
      {
        name: `search.count.${countWhere.key}`,
        text: `SELECT count(*)::int AS total FROM products
               WHERE ${countWhere.sql} AND search_document @@ bazaar_search_query($1)`,
      },
      [request.text, ...countWhere.values],
    );
    return { ids: [], total: count.rows[0]!.total };
  }

  private statement(where: { sql: string; key: string }, request: SearchRequest): Statement {
    const name = `search.${request.sort}.${request.order}.${where.key}`;
    let statement = this.statements.get(name);
    if (!statement) {
      const order = request.order;
      const orderBy =
        request.sort === 'relevance'
          ? `ts_rank(search_document, q) ${order}, id ${order}`
          : `${request.sort} ${order}, id ${order}`;
      statement = {
        name,
        // The match calls the function so that the planner sees an indexable condition (GIN); the
        // rank reads q from the one-row function scan, so the tsquery is not rebuilt per row.
        text: `SELECT id, count(*) OVER () AS total
               FROM products CROSS JOIN bazaar_search_query($1) AS q
               WHERE ${where.sql} AND search_document @@ bazaar_search_query($1)
               ORDER BY ${orderBy} LIMIT $2 OFFSET $3`,
      };
      this.statements.set(name, statement);
    }
    return statement;
  }
}
