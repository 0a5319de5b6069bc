import pg from 'pg';
import type { Logger } from '../../platform/logger.js';
import { formatEndpoint, type ConnectionTarget, type Endpoint } from './endpoints.js';
import { translateDatabaseError } from './errors.js';
import { warmPool } from './warm-pool.js';

/**
 * How long a request's statement may go unanswered before its endpoint counts as silent (a cut
 * link: nothing is refused, nothing arrives). With the connection wait below, a request is
 * answered within about 10 s under any single partition (ADR 21); a statement that legitimately
 * takes longer belongs to a schema change or a bulk load, which name their own bound.
 */
export const STATEMENT_TIMEOUT_MS = 5_000;
/** The bound for migrations (they wait for each other's lock), seeding and imports. */
export const BULK_STATEMENT_TIMEOUT_MS = 300_000;
const CONNECT_TIMEOUT_MS = 2_000;

export interface EndpointPoolsOptions {
  /** Connections in all, spread over the endpoints. */
  poolSize: number;
  logger: Logger;
  applicationName?: string;
  /** How long a refusing or silent endpoint is left alone before it is tried again. */
  downForMs?: number;
  /** The default bound of one statement (STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
}

/** One endpoint's pool; `downUntil`: set aside until then. */
export interface EndpointPool {
  endpoint: Endpoint;
  pool: pg.Pool;
  downUntil: number;
}

/** A pooled connection, the endpoint it leads to, and the pool it came from. */
export interface Checkout {
  client: pg.PoolClient;
  entry: EndpointPool;
  pool: pg.Pool;
}

/**
 * A pool per database endpoint (PostgreSQL or pgpool-II), taken round-robin. An endpoint that
 * refuses a connection, or leaves a statement unanswered, is set aside for a while and the next
 * one is tried.
 */
export class EndpointPools {
  private readonly entries: EndpointPool[];
  private next = 0;
  private readonly downForMs: number;
  /** The most connections each endpoint's pool opens. */
  readonly perEndpoint: number;

  constructor(
    private readonly target: ConnectionTarget,
    private readonly options: EndpointPoolsOptions,
  ) {
    this.downForMs = options.downForMs ?? 2000;
    this.perEndpoint = Math.max(2, Math.ceil(options.poolSize / target.endpoints.length));
    this.entries = target.endpoints.map((endpoint) => ({
      endpoint,
      pool: this.createPool(endpoint),
      downUntil: 0,
    }));
  }

  private closed = false;

  get endpoints(): string[] {
    return this.entries.map((p) => formatEndpoint(p.endpoint));
  }

  private createPool(endpoint: Endpoint): pg.Pool {
    const { target, options } = this;
    const pool = new pg.Pool({
      host: endpoint.host,
      port: endpoint.port,
      user: target.user,
      password: target.password,
      database: target.database,
      max: this.perEndpoint,
      // Long-lived connections: each backend loads the hunspell dictionaries once (~0.2 s).
      idleTimeoutMillis: 300_000,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // A statement that hangs becomes an error, never a hung request.
      query_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
      application_name: options.applicationName ?? 'bazaar',
      keepAlive: true,
    });
    // A connection that dies must never crash the process: while idle the pool reports it here;
    // while checked out (between two statements of a transaction) the client itself emits the
    // error, so every client gets a listener too. The statement that uses it then fails and the
    // connection is discarded on release.
    pool.on('error', (error) =>
      options.logger.warn({ err: error, endpoint }, 'idle database connection lost'),
    );
    pool.on('connect', (client) =>
      client.on('error', (error) =>
        options.logger.warn({ err: error, endpoint }, 'database connection lost'),
      ),
    );
    return pool;
  }

  /** Round-robin over the endpoints that are not set aside; a refused connection moves on to the next. */
  async connect(): Promise<Checkout> {
    // Stopping (a signal while a command works): no endpoint refused anything, so nothing to warn of.
    if (this.closed) throw new Error('the database client is closed: this process is stopping');
    let lastError: unknown;
    const now = Date.now();
    const count = this.entries.length;
    for (let tried = 0; tried < count; tried++) {
      const candidate = this.entries[this.next++ % count]!;
      if (candidate.downUntil > now && tried < count - 1) continue;
      try {
        // The pool it came from: the entry's may be replaced meanwhile (setAside).
        const pool = candidate.pool;
        const client = await pool.connect();
        candidate.downUntil = 0;
        return { client, entry: candidate, pool };
      } catch (error) {
        lastError = error;
        candidate.downUntil = Date.now() + this.downForMs;
        this.options.logger.warn(
          { endpoint: formatEndpoint(candidate.endpoint), err: error },
          'database endpoint refused a connection; trying the next',
        );
      }
    }
    throw translateDatabaseError(lastError ?? new Error('no database endpoint available'));
  }

  /**
   * A statement on `checkout` went unanswered: its endpoint is silent (its link cut), and so is
   * every idle connection to it. It is set aside like a refusing one, and its pool replaced (once,
   * whoever notices first), so that no other request waits on a connection known to lead nowhere.
   */
  setAside({ entry, pool }: Checkout): void {
    if (entry.pool !== pool) return;
    entry.downUntil = Date.now() + this.downForMs;
    entry.pool = this.createPool(entry.endpoint);
    pool.end().catch(() => undefined);
    this.options.logger.warn(
      { endpoint: formatEndpoint(entry.endpoint) },
      'database endpoint stopped answering; set aside with its connections',
    );
  }

  /** Opens every endpoint's connections ahead of traffic and runs `run` on each (see warm-pool.ts). */
  async warm(run: (client: pg.PoolClient) => Promise<unknown>, concurrency: number): Promise<number> {
    let warmed = 0;
    for (const { pool, endpoint } of this.entries)
      warmed += await warmPool(pool, {
        size: this.perEndpoint,
        concurrency,
        run,
        onStop: (error) =>
          this.options.logger.warn(
            { endpoint: formatEndpoint(endpoint), err: error },
            'warming the database connections stopped early',
          ),
      });
    return warmed;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.entries.map((p) => p.pool.end().catch(() => undefined)));
  }
}
