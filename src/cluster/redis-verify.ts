import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { hostPort, type Topology, countOf } from './layout.js';
import { at } from './addresses.js';
import { currentPrimary, localRedis, sameAddress } from './redis.js';

export interface RedisDigest {
  name: string;
  role: 'primary' | 'replica';
  keys: number;
  checksum: string;
}

export interface RedisVerifyResult {
  nodes: Array<RedisDigest | { name: string; error: string }>;
  differences: string[];
}

/** Every cart hash of one node, in key order, fields sorted: a count and an md5. */
async function digest(c: Redis): Promise<{ keys: number; checksum: string }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await c.scan(cursor, 'MATCH', 'cart:*', 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  keys.sort();
  const hash = createHash('md5');
  for (let i = 0; i < keys.length; i += 500) {
    const slice = keys.slice(i, i + 500);
    const pipeline = c.pipeline();
    for (const key of slice) pipeline.hgetall(key);
    const results = (await pipeline.exec()) ?? [];
    slice.forEach((key, j) => {
      const fields = Object.entries((results[j]?.[1] ?? {}) as Record<string, string>).sort(([a], [b]) =>
        a < b ? -1 : 1,
      );
      hash.update(`${key}\n${fields.map(([f, v]) => `${f}=${v}`).join('\n')}\n`);
    });
  }
  return { keys: keys.length, checksum: hash.digest('hex') };
}

/** Whether every online replica has applied everything the primary has written. */
async function replicasCaughtUp(primary: Redis): Promise<boolean> {
  const info = await primary.info('replication');
  const offset = Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? 0);
  const replicas = [...info.matchAll(/^slave\d+:.*offset=(\d+)/gm)].map((m) => Number(m[1]));
  return replicas.every((o) => o >= offset);
}

/**
 * Compares every Redis replica with the primary (cart keys and their content), after giving the
 * replicas up to `settleMs` to apply what the primary has written. A node that does not answer is
 * a difference.
 */
export async function verifyRedis(t: Topology, settleMs = 10_000): Promise<RedisVerifyResult> {
  const primaryAddress = await currentPrimary(t);
  const primary = localRedis(primaryAddress);
  const nodes: RedisVerifyResult['nodes'] = [];
  const differences: string[] = [];
  try {
    await primary.connect();
    const deadline = Date.now() + settleMs;
    while (!(await replicasCaughtUp(primary)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < countOf(t, 'redis'); i++) {
      const address = at(t, 'redis', i);
      const isPrimary = sameAddress(address, primaryAddress);
      const name = `redis:${i}`;
      const c = isPrimary ? primary : localRedis(address);
      try {
        if (c !== primary) await c.connect();
        nodes.push({ name, role: isPrimary ? 'primary' : 'replica', ...(await digest(c)) });
      } catch (error) {
        nodes.push({ name, error: (error as Error).message });
        differences.push(`${name}: unreachable (${(error as Error).message})`);
      } finally {
        if (c !== primary) c.disconnect();
      }
    }
  } catch (error) {
    differences.push(
      `the Redis primary at ${hostPort(primaryAddress)} is unreachable (${(error as Error).message})`,
    );
  } finally {
    primary.disconnect();
  }
  const reference = nodes.find((n): n is RedisDigest => 'role' in n && n.role === 'primary');
  for (const node of nodes) {
    if (!('role' in node) || !reference || node === reference) continue;
    if (node.keys !== reference.keys)
      differences.push(
        `carts: ${reference.name} (primary) has ${reference.keys} keys, ${node.name} ${node.keys}`,
      );
    else if (node.checksum !== reference.checksum)
      differences.push(
        `carts: same ${node.keys} keys but different content on ${reference.name} and ${node.name}`,
      );
  }
  return { nodes, differences };
}
