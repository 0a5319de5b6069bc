import { rate } from '../monitoring.js';
import { componentDir, countOf } from '../layout.js';
import { at } from '../addresses.js';
import { machineOf } from '../machines/machine-of.js';
import { range, startFirstThenRest, defineKind } from '../kind.js';
import { currentPrimary, redisCommand, redisEnv, sameAddress, startRedisNode } from '../redis.js';
import { waitUntil } from '../../platform/processes.js';
import { verifyRedis } from '../redis-verify.js';
import { debianProgram } from '../requirements.js';

/** The cart store: one primary and R-1 replicas with AOF (ADR 8). */
export const redisKind = defineKind({
  name: 'redis',
  title: 'Redis',
  dependsOn: [],
  countOption: {
    flag: '--redis <n>',
    description: 'Redis nodes for carts (0: carts in PostgreSQL)',
    min: 0,
    max: 5,
    default: 0,
  },
  ports: { redis: { offset: 500, standard: 6379 } },
  host: { block: 50, code: 'rd', cpu: 0.1, memoryBytes: 256 * 2 ** 20 },
  panels: [
    {
      title: 'Redis commands per second, per node',
      dashboard: 'databases',
      expr: rate('redis_commands_processed_total', 'component'),
      unit: 'ops',
      legend: '{{component}}',
      when: (t) => countOf(t, 'redis') > 0,
    },
  ],
  alertRules: (t) => {
    const replicas = countOf(t, 'redis') - 1;
    return replicas > 0
      ? [
          {
            alert: 'RedisReplicasMissing',
            expr: `max(redis_connected_slaves) < ${replicas}`,
            for: '10s',
            severity: 'warning',
            summary: `the Redis primary has fewer than its ${replicas} replicas`,
          },
        ]
      : [];
  },
  count: (t) => countOf(t, 'redis'),
  address: (t, i) => at(t, 'redis', i),
  requirements: () => [debianProgram('Redis', 'redis-server', 'redis-server')],
  async up(ctx) {
    const t = ctx.topology;
    ctx.step(`Redis x${countOf(t, 'redis')} (1 primary, ${countOf(t, 'redis') - 1} replicas)`);
    // A fresh start: no AOF from an earlier cluster in this folder.
    for (const i of range(this.count(t))) await machineOf(t, 'redis', i).remove(componentDir(t, 'redis', i));
    await startFirstThenRest(ctx, this);
  },
  // Node 0's first start makes the primary; any node started later follows the current primary.
  async start(ctx, i) {
    const primary = ctx.pids['redis:0'] === undefined ? null : await currentPrimary(ctx.topology);
    return startRedisNode(ctx.topology, i, primary);
  },
  // A primary cut off is replaced by Sentinel; back on the network it is made a replica of the
  // new primary and resynced from it. Healing waits for that, so what follows sees one data set.
  async healed(ctx, i) {
    const t = ctx.topology;
    const me = at(t, 'redis', i);
    await waitUntil(
      async () => {
        const primary = await currentPrimary(t);
        if (sameAddress(primary, me)) return true;
        const info = await redisCommand<string>(me, 'INFO', 'replication').catch(() => '');
        return (
          info.includes('role:slave') &&
          info.includes(`master_host:${primary.host}`) &&
          info.includes('master_link_status:up')
        );
      },
      30_000,
      `redis:${i} replicating from the current primary`,
    );
  },
  appEnv: (t) => redisEnv(t),
  async verify(ctx) {
    const result = await verifyRedis(ctx.topology);
    return {
      key: 'redis',
      details: result.nodes,
      summary: `${this.count(ctx.topology)} Redis nodes`,
      differences: result.differences,
    };
  },
});
