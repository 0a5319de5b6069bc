import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../../src/platform/processes.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface TestRedis {
  port: number;
  url: string;
  pid: number;
  client: Redis;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** A real redis-server (Debian's) on a free loopback port, optionally a replica of another. */
export async function startRedis(options: { replicaOf?: number } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'bazaar-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    // A replica gets its first copy at once rather than after Redis's 5 s batching delay.
    '--repl-diskless-sync-delay',
    '0',
  ];
  if (options.replicaOf) args.push('--replicaof', '127.0.0.1', String(options.replicaOf));
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 100,
  });
  client.on('error', () => undefined);
  for (let i = 0; ; i++) {
    try {
      await client.connect().catch(() => undefined);
      if ((await client.ping()) === 'PONG') break;
    } catch {
      if (i > 100) throw new Error(`redis-server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const end = async (signal: NodeJS.Signals) => {
    client.disconnect();
    if (child.exitCode === null) child.kill(signal);
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    client,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}
