import autocannon from 'autocannon';
import { cpuOf, cpuOfTree } from './process-cpu.js';

export interface Figure {
  operation: string;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** CPU per request of the server process answering (the API, or the bare yardstick). */
  server_cpu_us: number;
  /** CPU per request of PostgreSQL's processes (postmaster and backends); 0 for the yardstick. */
  database_cpu_us: number;
  /** Wall-clock bounds of the measured seconds (after the warm-up). */
  begun_at: number;
  ended_at: number;
}

export interface Load {
  connections: number;
  warmupS: number;
  durationS: number;
}

export interface Sides {
  serverPid: number;
  /** The postmaster's pid, when a PostgreSQL serves the operation. */
  databasePid?: number;
}

/**
 * One operation at full speed: a warm-up, then the measured seconds, with the CPU both sides spent
 * in them. `afterWarmup` runs between the two (the profile resets PostgreSQL's statistics there).
 */
export async function measure(
  operation: string,
  base: string,
  request: autocannon.Request,
  load: Load,
  sides: Sides,
  afterWarmup?: () => Promise<void>,
): Promise<Figure> {
  const options = { url: base, connections: load.connections, requests: [request] };
  if (load.warmupS > 0) await autocannon({ ...options, duration: load.warmupS });
  await afterWarmup?.();
  const cpu = async () => [
    await cpuOf(sides.serverPid),
    sides.databasePid === undefined ? 0 : await cpuOfTree(sides.databasePid),
  ];
  const [serverBefore, databaseBefore] = await cpu();
  const begunAt = Date.now();
  const result = await autocannon({ ...options, duration: load.durationS });
  const endedAt = Date.now();
  const [serverAfter, databaseAfter] = await cpu();
  const perRequest = (ms: number) => (result.requests.total === 0 ? 0 : (ms * 1000) / result.requests.total);
  return {
    operation,
    rps: result.requests.average,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    server_cpu_us: Math.round(perRequest(serverAfter! - serverBefore!)),
    database_cpu_us: Math.round(perRequest(databaseAfter! - databaseBefore!)),
    begun_at: begunAt,
    ended_at: endedAt,
  };
}
