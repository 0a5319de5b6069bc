import pg from 'pg';
import type { Logger } from '../../platform/logger.js';
import type { ProductChangeFeed, ProductChangeListener } from '../../modules/catalog/index.js';
import { formatEndpoint, parseDatabaseUrl, type ConnectionTarget, type Endpoint } from './endpoints.js';

/** The channel migrations 005 and 007's trigger announces product changes on. */
const CHANNEL = 'bazaar_products';

interface Link {
  endpoint: Endpoint;
  client?: pg.Client;
  connecting: boolean;
}

export interface ChangeFeedOptions {
  /** How often lost links are tried again and live ones checked. */
  checkEveryMs?: number;
  /** A live link that does not answer a check within this is taken for lost (a cut network). */
  checkTimeoutMs?: number;
}

/**
 * The product change feed over PostgreSQL's LISTEN, on a connection of its own to every server of
 * `url` (ADR 13). Connected to the PostgreSQL servers themselves, not through pgpool-II, which does
 * not pass notifications on while a session is idle. Under native replication every backend
 * announces every change, so one live link is enough; in streaming mode only the primary accepts
 * LISTEN (a standby refuses it and is tried again later, so a promoted one is found). The feed is
 * up while at least one link listens; every link is checked each second and re-made when lost.
 */
export class PostgresProductChangeFeed implements ProductChangeFeed {
  private readonly target: ConnectionTarget;
  private readonly links: Link[];
  private listener: ProductChangeListener | undefined;
  private timer: NodeJS.Timeout | undefined;
  private isUp = false;
  private readonly checkEveryMs: number;
  private readonly checkTimeoutMs: number;

  constructor(
    url: string,
    private readonly logger: Logger,
    options: ChangeFeedOptions = {},
  ) {
    this.target = parseDatabaseUrl(url);
    this.links = this.target.endpoints.map((endpoint) => ({ endpoint, connecting: false }));
    this.checkEveryMs = options.checkEveryMs ?? 1000;
    this.checkTimeoutMs = options.checkTimeoutMs ?? 2000;
  }

  async start(listener: ProductChangeListener): Promise<void> {
    this.listener = listener;
    this.timer = setInterval(() => void this.tick(), this.checkEveryMs);
    this.timer.unref();
    await this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const clients = this.links.flatMap((link) => (link.client ? [link.client] : []));
    for (const link of this.links) link.client = undefined;
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    this.report();
  }

  /** Cuts every link as a network failure would (for tests and drills): the feed goes down. */
  dropLinks(): void {
    for (const link of this.links) if (link.client) this.lose(link, link.client, 'dropped on purpose');
  }

  private async tick(): Promise<void> {
    await Promise.all(
      this.links.map((link) => (link.client ? this.check(link, link.client) : this.connect(link))),
    );
    this.report();
  }

  private async connect(link: Link): Promise<void> {
    if (link.connecting || !this.listener) return;
    link.connecting = true;
    const client = new pg.Client({
      host: link.endpoint.host,
      port: link.endpoint.port,
      user: this.target.user,
      password: this.target.password,
      database: this.target.database,
      application_name: 'bazaar change feed',
      connectionTimeoutMillis: this.checkTimeoutMs,
      // A server that went silent after connecting must not leave LISTEN or a check hanging.
      query_timeout: this.checkTimeoutMs,
      keepAlive: true,
    });
    client.on('error', (error) => this.lose(link, client, error.message));
    client.on('end', () => this.lose(link, client, 'connection ended'));
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      // `id version listing` (migration 007); without the flag (005) any change may move pages.
      const [id, version, listing] = message.payload.split(' ');
      if (id && version) this.listener?.changed(id, Number(version), listing !== '0');
    });
    try {
      await client.connect();
      // A standby refuses: "cannot execute LISTEN during recovery".
      await client.query(`LISTEN ${CHANNEL}`);
      link.client = client;
      this.logger.info({ endpoint: formatEndpoint(link.endpoint) }, 'product change feed listening');
    } catch {
      await client.end().catch(() => undefined);
    } finally {
      link.connecting = false;
    }
  }

  /** A live link answers `SELECT 1` within the query timeout, or it is taken for lost (a cut network). */
  private async check(link: Link, client: pg.Client): Promise<void> {
    await client.query('SELECT 1').catch(() => this.lose(link, client, 'no answer to a check'));
  }

  private lose(link: Link, client: pg.Client, why: string): void {
    if (link.client !== client) return;
    link.client = undefined;
    this.logger.warn({ endpoint: formatEndpoint(link.endpoint), why }, 'product change feed link lost');
    client.end().catch(() => undefined);
    this.report();
  }

  private report(): void {
    const up = this.timer !== undefined && this.links.some((link) => link.client);
    if (up === this.isUp) return;
    this.isUp = up;
    if (up) this.listener?.up();
    else this.listener?.down();
  }
}
