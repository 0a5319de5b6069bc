import pg from 'pg';
import type { Metrics } from '../../platform/metrics.js';
import { parseDatabaseUrl } from './endpoints.js';
import { EndpointPools, type EndpointPoolsOptions } from './endpoint-pools.js';
import {
  isConnectionError,
  isRefusedWithoutEffect,
  isRetryableTransactionError,
  isStatementTimeout,
  translateDatabaseError,
} from './errors.js';

export { BULK_STATEMENT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from './endpoint-pools.js';

// PostgreSQL bigint (int8) and numeric arrive as strings by default; money and counts fit in a JS
// number (< 2^53), so read them as numbers once, here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const PRIMARY_HINT = '/*NO LOAD BALANCE*/ ';

/**
 * Marks a read that must see every acknowledged write (a login right after registering, a token's
 * user, an order or a cart just changed, a price or stock). Behind pgpool-II over streaming
 * replication the comment sends it to the primary instead of a standby that may trail it; only
 * the search index's hit ids are read on any backend. Under statement replication (pgpool-II's
 * native mode) the comment is dropped before sending: there pgpool-II 4.3 takes a commented
 * SELECT for a write and runs it on every backend, comparing the answers, and a read of rows that
 * a concurrent transaction has committed on one backend but not yet on the other ends the session
 * ("kind mismatch"). Every backend already holds every acknowledged write there (a COMMIT is
 * answered once all backends committed), so a load-balanced read sees it. On a lone PostgreSQL
 * the comment is only a comment.
 */
export function onPrimary(sql: string): string {
  return `${PRIMARY_HINT}${sql}`;
}

/** How the statements' targets replicate (config `databaseReplication`, ADR 11). */
export type Replication = 'none' | 'statement' | 'streaming';

/** A named statement: the name makes node-postgres prepare it once per connection. */
export interface Statement {
  name: string;
  text: string;
  /** Its own bound, for schema changes and bulk loads (default: DatabaseOptions.statementTimeoutMs). */
  timeoutMs?: number;
}

export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    statement: Statement,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

export interface DatabaseOptions extends EndpointPoolsOptions {
  metrics: Metrics;
  /**
   * `statement` (pgpool-II's native replication: every backend runs every write): a write
   * statement is sent inside its own transaction, so that the row locks it takes are held on
   * every backend before a competing write can reach any of them, and reads go without the
   * primary hint (see onPrimary). Default `none`.
   */
  replication?: Replication;
}

const MAX_TRANSACTION_ATTEMPTS = 5;

/**
 * Statements and transactions over the database endpoints (EndpointPools: round-robin, a refusing
 * or silent endpoint set aside). A unit is run again here only when that cannot do harm: it never
 * reached the server, it changes nothing (a read), it is idempotent, or the server refused it
 * without effect; otherwise its fate is unknown and the caller decides (checkout relies on its
 * Idempotency-Key).
 */
export class Database implements Queryable {
  private readonly pools: EndpointPools;
  private readonly statementReplication: boolean;
  /** Statement name -> the text sent, for statements whose text is rewritten (the hint dropped). */
  private readonly sentText = new Map<string, string>();

  constructor(
    url: string,
    private readonly options: DatabaseOptions,
  ) {
    this.statementReplication = options.replication === 'statement';
    this.pools = new EndpointPools(parseDatabaseUrl(url), options);
  }

  get endpoints(): string[] {
    return this.pools.endpoints;
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    statement: Statement,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    const work = (client: pg.PoolClient, attempt: { sent: boolean }) => {
      attempt.sent = true;
      return this.execute<R>(client, statement, values);
    };
    const readOnly = isReadOnly(statement.text);
    if (!readOnly && this.statementReplication)
      return this.transaction((tx) => tx.query<R>(statement, values));
    return this.withConnection(work, {
      // A read changes nothing, so one sent on a connection that turns out dead (pgpool-II drops
      // every session when a backend fails over) runs again on a fresh one.
      safeToResend: readOnly,
    });
  }

  /**
   * Runs `work` in one transaction; any error rolls it back. `idempotent`: running the whole
   * transaction twice leaves what running it once does (set a cart line to 3), so when the
   * connection dies after it was sent, whatever happened to it, it is run once more on another.
   */
  async transaction<T>(
    work: (tx: Queryable) => Promise<T>,
    options: { idempotent?: boolean } = {},
  ): Promise<T> {
    return this.withConnection(
      async (client, attempt) => {
        await client.query('BEGIN');
        // Past BEGIN the fate of a broken transaction is unknown (was COMMIT received?): the
        // caller decides. A connection dead before BEGIN returned did nothing: take another.
        attempt.sent = true;
        const result = await work({
          query: (statement, values = []) => this.execute(client, statement, values),
        });
        await client.query('COMMIT');
        return result;
      },
      {
        rollback: (client) =>
          client.query('ROLLBACK').then(
            () => undefined,
            () => undefined,
          ),
        safeToResend: options.idempotent ?? false,
      },
    );
  }

  private execute<R extends pg.QueryResultRow>(
    client: pg.PoolClient,
    statement: Statement,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    const text = this.statementReplication ? this.withoutPrimaryHint(statement) : statement.text;
    const bound = statement.timeoutMs === undefined ? {} : { query_timeout: statement.timeoutMs };
    return this.options.metrics.timeStore('postgres', statement.name, () =>
      client.query<R>({ name: statement.name, text, values, ...bound }),
    );
  }

  private withoutPrimaryHint(statement: Statement): string {
    if (!statement.text.startsWith(PRIMARY_HINT)) return statement.text;
    let text = this.sentText.get(statement.name);
    if (text === undefined) {
      text = statement.text.slice(PRIMARY_HINT.length);
      this.sentText.set(statement.name, text);
    }
    return text;
  }

  /**
   * Runs `work` on a pooled connection. A connection that broke is discarded, never reused. A
   * serialization failure or deadlock (snapshot isolation, hot rows) was rolled back whole on the
   * server, so the unit (one statement or one transaction) is run again, a few times, with jitter.
   */
  private async withConnection<T>(
    work: (client: pg.PoolClient, attempt: { sent: boolean }) => Promise<T>,
    options: { rollback?: (client: pg.PoolClient) => Promise<void>; safeToResend?: boolean },
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const checkout = await this.pools.connect();
      const { client } = checkout;
      const progress = { sent: false };
      let broken: Error | undefined;
      try {
        return await work(client, progress);
      } catch (error) {
        if (isConnectionError(error)) broken = error as Error;
        else await options.rollback?.(client);
        if (isStatementTimeout(error)) this.pools.setAside(checkout);
        // A write a standby refused did nothing, and its transaction ends with the connection.
        const resend =
          broken !== undefined && (options.safeToResend || !progress.sent || isRefusedWithoutEffect(error));
        const rerun = !broken && isRetryableTransactionError(error);
        if ((resend || rerun) && attempt < MAX_TRANSACTION_ATTEMPTS) {
          await sleep(5 * attempt + Math.random() * 10);
          continue;
        }
        throw translateDatabaseError(error);
      } finally {
        client.release(broken);
      }
    }
  }

  /**
   * Opens every pooled connection ahead of traffic and runs `statement` on each (see warm-pool.ts).
   * Returns the connections warmed.
   */
  warm(statement: Statement, concurrency = 2): Promise<number> {
    return this.pools.warm((client) => this.execute(client, statement, []), concurrency);
  }

  /** True when at least one endpoint answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await this.query({ name: 'ping', text: 'SELECT 1' });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pools.close();
  }
}

/** A plain SELECT (optionally behind pgpool's comment) without row locks: it changes nothing. */
export function isReadOnly(sql: string): boolean {
  return /^\s*(\/\*[^*]*\*\/\s*)?SELECT\b/i.test(sql) && !/\bFOR\s+(UPDATE|SHARE|NO KEY|KEY)\b/i.test(sql);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
