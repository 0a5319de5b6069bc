import type pg from 'pg';

export interface WarmOptions {
  /** Connections to open: the pool's maximum. */
  size: number;
  /** How many are opened at once. */
  concurrency: number;
  /** What each new connection runs once it is open. */
  run: (client: pg.PoolClient) => Promise<unknown>;
  /** Told why warming stopped before the pool was full. */
  onStop: (error: unknown) => void;
}

/**
 * Opens a pool's connections ahead of traffic, a few at a time, and runs a statement on each.
 *
 * Every PostgreSQL session loads the search dictionaries on first use (~35 MB and a noticeable
 * share of a small host's CPU). Left to the first requests, a cold pool opens all its connections
 * at once, and a backend on a small CPU quota then takes tens of seconds to answer any of them:
 * requests time out and the proxies in front set the instance aside. Best effort: a failure stops
 * the warming (it is reported), and the first requests open the rest.
 */
export async function warmPool(pool: pg.Pool, options: WarmOptions): Promise<number> {
  const held: pg.PoolClient[] = [];
  let warmed = 0;
  try {
    // Every connection is held until the pool is full, so each is a new session (behind
    // pgpool-II a child process of its own), not the same one handed out again.
    while (held.length < options.size) {
      const batch = Math.min(options.concurrency, options.size - held.length);
      await Promise.all(
        Array.from({ length: batch }, async () => {
          const client = await pool.connect();
          held.push(client);
          await options.run(client);
          warmed++;
        }),
      );
    }
  } catch (error) {
    options.onStop(error);
  } finally {
    for (const client of held) client.release();
  }
  return warmed;
}
