import cassandra from 'cassandra-driver';
import type { CassandraSettings } from '../../config/cassandra-settings.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import { catalogSchema, keyspaceStatement } from './catalog.schema.js';
import { translateCassandraError } from './errors.js';

const { policies, types } = cassandra;

export type Row = cassandra.types.Row;

export interface Statement {
  name: string;
  cql: string;
  /** Safe to send again after a timeout (reads; writes of fixed values at a fixed timestamp). */
  idempotent: boolean;
}

/**
 * One driver session for the API instance: token-aware round-robin (a statement goes straight to
 * a replica of its partition), prepared statements, reconnection with backoff, and retries only
 * for statements marked idempotent. Every statement runs at the configured consistency (QUORUM by
 * default); lightweight transactions use SERIAL for their Paxos phase.
 */
export class CassandraConnection {
  readonly client: cassandra.Client;
  private readonly consistency: number;

  constructor(
    private readonly settings: CassandraSettings,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    this.consistency = types.consistencies[toDriverName(settings.consistency)];
    this.client = new cassandra.Client({
      // A copy: the settings are frozen, and a driver may keep and change what it is given.
      contactPoints: [...settings.contactPoints],
      localDataCenter: 'datacenter1',
      protocolOptions: { port: settings.port },
      policies: {
        loadBalancing: new policies.loadBalancing.TokenAwarePolicy(
          new policies.loadBalancing.DCAwareRoundRobinPolicy('datacenter1'),
        ),
        reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 10_000, false),
        // The driver itself re-sends only statements marked idempotent after a timeout or a lost socket.
        retry: new policies.retry.RetryPolicy(),
      },
      queryOptions: {
        consistency: this.consistency,
        serialConsistency: types.consistencies.serial,
        prepare: true,
        isIdempotent: false,
      },
      // A node that goes silent (a cut link) is given up after 4 s and an idempotent statement
      // sent to the next, so that a request is answered within about 10 s (ADR 21); heartbeats on
      // idle connections find it sooner than TCP would.
      socketOptions: { connectTimeout: 2000, readTimeout: 4000 },
      pooling: { heartBeatInterval: 2_000 },
    });
    this.client.on('hostDown', (host: cassandra.Host) =>
      this.logger.warn({ host: host.address }, 'cassandra node down'),
    );
    this.client.on('hostUp', (host: cassandra.Host) =>
      this.logger.info({ host: host.address }, 'cassandra node up'),
    );
  }

  /** Connects, and creates the keyspace and tables when they are missing (idempotent DDL). */
  async start(): Promise<void> {
    await this.client.connect().catch((error: unknown) => Promise.reject(translateCassandraError(error)));
    const nodes = this.client.hosts.length;
    // Three copies (one per node of the 3-node ring); a smaller ring keeps one per node.
    // Schema changes wait for every node to agree, which takes longer than a request may.
    const ddlOptions = { readTimeout: 60_000 };
    await this.client.execute(keyspaceStatement(this.settings.keyspace, Math.min(3, nodes)), [], ddlOptions);
    for (const ddl of catalogSchema(this.settings.keyspace)) await this.client.execute(ddl, [], ddlOptions);
    this.logger.info(
      { nodes, keyspace: this.settings.keyspace, consistency: this.settings.consistency },
      'cassandra connected',
    );
  }

  get keyspace(): string {
    return this.settings.keyspace;
  }

  /** `serial`: a linearizable read (it completes any Paxos round in flight on the partition). */
  async execute(
    statement: Statement,
    params: unknown[],
    options: { fetchSize?: number; serial?: boolean } = {},
  ) {
    return this.metrics
      .timeStore('cassandra', statement.name, () =>
        this.client.execute(statement.cql, params, {
          isIdempotent: statement.idempotent,
          ...(options.fetchSize ? { fetchSize: options.fetchSize } : {}),
          ...(options.serial ? { consistency: types.consistencies.serial } : {}),
        }),
      )
      .catch((error: unknown) => Promise.reject(translateCassandraError(error)));
  }

  /** Every row of a statement, page by page (admin paths: re-projection, checks). */
  async *rows(statement: Statement, params: unknown[], fetchSize = 500): AsyncGenerator<Row> {
    let pageState: string | undefined;
    do {
      const result = await this.client
        .execute(statement.cql, params, {
          isIdempotent: statement.idempotent,
          fetchSize,
          ...(pageState ? { pageState } : {}),
        })
        .catch((error: unknown) => Promise.reject(translateCassandraError(error)));
      yield* result.rows;
      pageState = result.pageState ?? undefined;
    } while (pageState);
  }

  /**
   * An unlogged batch of mutations of ONE partition: applied together, atomically and in
   * isolation, without the batch log. (A logged batch across partitions needs two live batch-log
   * replicas: measured here, it failed for over 20 s after a node crash until gossip convicted
   * the node, so it is not used; see ADR 9.)
   */
  async partitionBatch(name: string, queries: Array<{ query: string; params: unknown[] }>) {
    if (queries.length === 0) return;
    await this.metrics
      .timeStore('cassandra', name, () =>
        this.client.batch(queries, { logged: false, isIdempotent: true, prepare: true }),
      )
      .catch((error: unknown) => Promise.reject(translateCassandraError(error)));
  }

  async ping(): Promise<boolean> {
    try {
      await this.client.execute('SELECT release_version FROM system.local', [], {
        isIdempotent: true,
        consistency: types.consistencies.one,
      });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.shutdown().catch(() => undefined);
  }
}

function toDriverName(level: CassandraSettings['consistency']): keyof typeof types.consistencies {
  const names: Record<CassandraSettings['consistency'], keyof typeof types.consistencies> = {
    ONE: 'one',
    TWO: 'two',
    THREE: 'three',
    QUORUM: 'quorum',
    ALL: 'all',
    LOCAL_QUORUM: 'localQuorum',
    LOCAL_ONE: 'localOne',
  };
  return names[level];
}
