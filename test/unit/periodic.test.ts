import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Periodic } from '../../src/platform/periodic.js';
import { createLogger } from '../../src/platform/logger.js';

test('periodic work: runs one at a time, goes on after a failure, and stop waits for a run', async () => {
  let runs = 0;
  let concurrent = 0;
  let most = 0;
  let release!: () => void;
  const periodic = new Periodic(
    async () => {
      runs++;
      concurrent++;
      most = Math.max(most, concurrent);
      try {
        if (runs === 1) throw new Error('first run fails');
        if (runs === 3) await new Promise<void>((r) => (release = r));
      } finally {
        concurrent--;
      }
    },
    () => 5,
    createLogger('silent', 'test', { terminal: false }),
    'failed',
  );
  periodic.start();
  while (runs < 3) await new Promise((r) => setTimeout(r, 5));
  const stopping = periodic.stop();
  let stopped = false;
  void stopping.then(() => (stopped = true));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(stopped, false, 'stop waits for the run in progress');
  release();
  await stopping;
  assert.equal(periodic.isStopped, true);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(runs, 3, 'nothing runs after stop');
  assert.equal(most, 1);
});
