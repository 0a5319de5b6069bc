import { componentDir } from '../layout.js';
import { at } from '../addresses.js';
import { machineOf } from '../machines/machine-of.js';
import { range, startAll, defineKind } from '../kind.js';
import { sentinelCount, startSentinel, waitSentinelsAgree } from '../redis.js';
import { debianProgram } from '../requirements.js';

/** Three Sentinels watch the Redis primary when there are replicas to promote. */
export const sentinelKind = defineKind({
  name: 'sentinel',
  title: 'Redis Sentinel',
  dependsOn: ['redis'],
  maxInstances: 3,
  ports: { sentinel: { offset: 520, standard: 26379 } },
  host: { block: 60, code: 'sn', cpu: 0.02, memoryBytes: 64 * 2 ** 20 },
  machineGroup: 'redis',
  count: (t) => sentinelCount(t),
  address: (t, i) => at(t, 'sentinel', i),
  requirements: () => [debianProgram('Redis Sentinel', 'redis-sentinel', 'redis-sentinel')],
  async up(ctx) {
    const t = ctx.topology;
    ctx.step(`Sentinel x${this.count(t)}`);
    // No Sentinel state from an earlier cluster in this folder.
    for (const i of range(this.count(t)))
      await machineOf(t, 'sentinel', i).remove(componentDir(t, 'sentinel', i));
    await startAll(ctx, this);
    await waitSentinelsAgree(t);
  },
  start: (ctx, i) => startSentinel(ctx.topology, i),
});
