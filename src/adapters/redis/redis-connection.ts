import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../platform/logger.js';
import type { RedisSettings } from '../../config/redis-settings.js';

interface Replica {
  address: string;
  client: Redis;
  /** Dropped from reads until then, after a failed read. */
  downUntil: number;
}

/** How often the list of online replicas is read from the primary (INFO replication). */
const REFRESH_MS = 1_000;
const DROPPED_FOR_MS = 2_000;

/** `slave0:ip=127.0.0.1,port=20501,state=online,offset=123,lag=0` lines of INFO replication. */
export function onlineReplicas(info: string): string[] {
  const out: string[] = [];
  for (const line of info.split(/\r?\n/)) {
    const match = /^slave\d+:(.*)$/.exec(line);
    if (!match) continue;
    const fields = Object.fromEntries(match[1]!.split(',').map((kv) => kv.split('=') as [string, string]));
    if (fields.state === 'online') out.push(`${fields.ip}:${fields.port}`);
  }
  return out;
}

/**
 * Writes go to the current primary (through Sentinel, which ioredis follows across failovers);
 * reads are spread over the online replicas the primary reports, in turn. A replica that fails a
 * read is dropped from reads for a while and the read goes to the primary.
 */
export class RedisConnection {
  readonly primary: Redis;
  private replicas = new Map<string, Replica>();
  /** The same replicas as a list, rebuilt when the set changes, not on every read. */
  private inTurn: Replica[] = [];
  private turn = 0;
  private refresher: NodeJS.Timeout | undefined;
  /** The refresh under way, if any: `close` waits for it, so that none opens a client after. */
  private refreshing: Promise<void> | undefined;
  private closed = false;

  constructor(
    settings: RedisSettings,
    private readonly logger: Logger,
  ) {
    const options: RedisOptions = {
      // Bounded waits: a request gets a 503 rather than hanging while Redis is away.
      commandTimeout: 2_000,
      maxRetriesPerRequest: 2,
      connectTimeout: 2_000,
      // A primary demoted by a failover answers READONLY: reconnect (to the new primary) and resend.
      reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    };
    this.primary =
      settings.kind === 'sentinel'
        ? new Redis({
            ...options,
            // A copy: ioredis reorders and extends its sentinel list, and the settings are frozen.
            sentinels: settings.sentinels.map((sentinel) => ({ ...sentinel })),
            name: settings.masterName,
            role: 'master',
            failoverDetector: true,
            sentinelMaxConnections: 3,
          })
        : new Redis(settings.url, options);
    this.primary.on('error', (error: Error) => this.logger.warn({ err: error.message }, 'redis primary'));
  }

  /** Learns the replicas now and keeps following them. */
  async start(): Promise<void> {
    await this.refreshOnce();
    this.refresher = setInterval(() => void this.refreshOnce(), REFRESH_MS);
    this.refresher.unref();
  }

  /** Replicas currently online (for WAIT: how many should have a write before it is acknowledged). */
  get replicaCount(): number {
    return this.replicas.size;
  }

  /** A read on the next healthy replica; on the primary when there is none or the replica fails. */
  async read<T>(work: (client: Redis) => Promise<T>): Promise<T> {
    const replica = this.nextReplica();
    if (replica) {
      try {
        return await work(replica.client);
      } catch (error) {
        replica.downUntil = Date.now() + DROPPED_FOR_MS;
        this.logger.warn(
          { replica: replica.address, err: (error as Error).message },
          'replica dropped from reads',
        );
      }
    }
    return work(this.primary);
  }

  /** Whether the primary answers (readiness). */
  async ping(): Promise<boolean> {
    try {
      return (await this.primary.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refresher) clearInterval(this.refresher);
    // A refresh whose INFO was answered before QUIT would open replica clients after the close.
    await this.refreshing;
    const all = [this.primary, ...this.inTurn.map((r) => r.client)];
    this.replicas.clear();
    this.inTurn = [];
    await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
  }

  private nextReplica(): Replica | undefined {
    const list = this.inTurn;
    const now = Date.now();
    for (let i = 0; i < list.length; i++) {
      const r = list[(this.turn + i) % list.length]!;
      if (r.downUntil <= now) {
        this.turn = (this.turn + i + 1) % list.length;
        return r;
      }
    }
    return undefined;
  }

  /** One refresh at a time; none once closed. */
  private refreshOnce(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.refreshing ??= this.refresh()
      .catch(() => undefined)
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(): Promise<void> {
    const info = await this.primary.info('replication');
    if (this.closed) return;
    const online = new Set(onlineReplicas(info));
    for (const [address, replica] of this.replicas) {
      if (online.has(address)) continue;
      this.replicas.delete(address);
      replica.client.disconnect();
    }
    for (const address of online) {
      if (this.replicas.has(address)) continue;
      const [host, port] = address.split(':');
      const client = new Redis({
        host,
        port: Number(port),
        commandTimeout: 1_000,
        connectTimeout: 1_000,
        maxRetriesPerRequest: 0,
        // Reads only: a replica never takes writes, and a reconnect storm to a dead one is pointless.
        retryStrategy: () => null,
        readOnly: true,
      });
      client.on('error', () => undefined);
      client.on('end', () => {
        if (this.replicas.get(address)?.client !== client) return;
        this.replicas.delete(address);
        this.inTurn = [...this.replicas.values()];
      });
      this.replicas.set(address, { address, client, downUntil: 0 });
    }
    this.inTurn = [...this.replicas.values()];
  }
}
