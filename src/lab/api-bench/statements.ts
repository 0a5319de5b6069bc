import pg from 'pg';

/** PostgreSQL's view of an operation: its statements from pg_stat_statements (bench profile only). */
export interface StatementCost {
  query: string;
  calls: number;
  mean_ms: number;
  total_ms: number;
  rows_per_call: number;
  blocks_per_call: number;
}

export class StatementStats {
  private constructor(private readonly client: pg.Client) {}

  /** Needs a server started with shared_preload_libraries=pg_stat_statements. */
  static async open(url: string): Promise<StatementStats> {
    const client = new pg.Client({ connectionString: url, application_name: 'bazaar bench profile' });
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    return new StatementStats(client);
  }

  async reset(): Promise<void> {
    await this.client.query('SELECT pg_stat_statements_reset()');
  }

  /** The statements that took the most server time since the last reset, the bench's own left out. */
  async top(limit = 6): Promise<StatementCost[]> {
    const { rows } = await this.client.query<StatementCost>(
      `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls::int,
              round(mean_exec_time::numeric, 3)::float AS mean_ms,
              round(total_exec_time::numeric, 1)::float AS total_ms,
              round(rows::numeric / calls, 1)::float AS rows_per_call,
              round((shared_blks_hit + shared_blks_read)::numeric / calls, 1)::float AS blocks_per_call
         FROM pg_stat_statements
        WHERE query NOT LIKE '%pg_stat_statements%' AND calls > 0
        ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return rows;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
