import { loadApiBenchSettings } from '../../config/lab-settings.js';
import { startStubStore } from './stub-store.js';
import { runLoad } from './coordinator.js';
import { loadScenario } from './scenario.js';

/**
 * The load client's own ceiling: one worker, the shopaholic scenario, against a store that answers
 * instantly. Compare with what a cluster serves: a client slower than the cluster would measure
 * itself. Printed as figures; part of `npm run bench`.
 */
async function main(): Promise<void> {
  const settings = loadApiBenchSettings();
  const users = settings.capacityUsers;
  const durationMs = settings.capacityDurationS * 1000;
  const stub = await startStubStore();
  try {
    const result = await runLoad({
      targets: [stub.url],
      model: { type: 'closed', users, think_ms: 0 },
      scenario: await loadScenario('shopaholic'),
      warmupMs: 2000,
      durationMs,
      workers: 1,
      seed: 1,
      adminPassword: 'not-checked-by-the-stub',
    });
    process.stdout.write(
      `load client capacity: one worker, ${users} users, ${durationMs / 1000} s against an instant stub store: ` +
        `${result.totals.rps} req/s (mean ${result.totals.mean_ms} ms, p99 ${result.totals.p99_ms} ms, errors ${result.totals.errors})\n`,
    );
  } finally {
    await stub.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`client capacity: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
