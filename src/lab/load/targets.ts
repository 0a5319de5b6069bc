import { Pool } from 'undici';

export interface Target {
  url: string;
  pool: Pool;
  downUntil: number;
}

/** How long a target that refused or reset a connection is skipped before it is tried again. */
export const DOWN_FOR_MS = 2_000;

/**
 * The client's own round-robin over the entrypoints (docs/lab.md): a target that refuses or resets a
 * connection is set aside for a while, and requests go to the next one that is not.
 */
export class Targets {
  private readonly targets: Target[];
  private next = 0;

  constructor(urls: string[], connectionsPerTarget: number) {
    if (urls.length === 0) throw new Error('no targets');
    this.targets = urls.map((url) => ({
      url,
      // One connection per concurrent request at most; kept alive between requests.
      pool: new Pool(new URL(url).origin, {
        connections: connectionsPerTarget,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        // nginx answers every request within 8 s (ADR 21): a target silent past 9 s is cut off.
        connectTimeout: 2_000,
        headersTimeout: 9_000,
        bodyTimeout: 9_000,
      }),
      downUntil: 0,
    }));
  }

  get size(): number {
    return this.targets.length;
  }

  /** The next target in turn that is not set aside; when all are, the next in turn anyway. */
  pick(): Target {
    const now = Date.now();
    for (let i = 0; i < this.targets.length; i++) {
      const t = this.targets[(this.next + i) % this.targets.length]!;
      if (t.downUntil <= now) {
        this.next = (this.next + i + 1) % this.targets.length;
        return t;
      }
    }
    const t = this.targets[this.next]!;
    this.next = (this.next + 1) % this.targets.length;
    return t;
  }

  markDown(t: Target): void {
    t.downUntil = Date.now() + DOWN_FOR_MS;
  }

  async close(): Promise<void> {
    await Promise.all(this.targets.map((t) => t.pool.close()));
  }
}
