import { json } from './fixtures.js';

export interface BroadcastWindow {
  rounds: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Reads on the other instance that showed an older price after the product cache's TTL. */
  stale_beyond_ttl: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The product cache's broadcast window (ADR 13): a price changed through instance `writer` is
 * acknowledged, then instance `reader` (which had the card cached) is read back to back until it
 * shows the new price. The time from the acknowledgement to that read is one round's window.
 */
export async function measureBroadcastWindow(
  writer: string,
  reader: string,
  options: { admin: string; productId: string; rounds: number; ttlMs: number },
): Promise<BroadcastWindow> {
  const path = `/api/v1/products/${options.productId}`;
  const windows: number[] = [];
  let stale = 0;
  let price = (await json(writer, path)).price as number;
  for (let round = 0; round < options.rounds; round++) {
    await json(reader, path); // the reader has the current card cached
    price += 1;
    await json(writer, path, { method: 'PATCH', token: options.admin, body: JSON.stringify({ price }) });
    const acknowledged = performance.now();
    for (;;) {
      const seen = (await json(reader, path)).price as number;
      const elapsed = performance.now() - acknowledged;
      if (seen === price) {
        windows.push(elapsed);
        break;
      }
      if (elapsed > options.ttlMs) stale++;
    }
  }
  const sorted = windows.sort((x, y) => x - y);
  const round2 = (n: number) => Math.round(n * 100) / 100;
  return {
    rounds: options.rounds,
    p50_ms: round2(percentile(sorted, 50)),
    p99_ms: round2(percentile(sorted, 99)),
    max_ms: round2(sorted[sorted.length - 1]!),
    stale_beyond_ttl: stale,
  };
}
