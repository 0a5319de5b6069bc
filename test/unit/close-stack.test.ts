import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseStack } from '../../src/platform/close-stack.js';
import { createLogger } from '../../src/platform/logger.js';

test('closing runs newest first, and every step runs when one throws', async () => {
  const closing = new CloseStack(createLogger('silent'));
  const closed: string[] = [];
  for (const name of ['pool', 'cache', 'server']) {
    closing.opened(name, name, async (resource) => {
      closed.push(resource);
      if (resource === 'cache') throw new Error('the feed would not stop');
    });
  }
  await assert.rejects(closing.close(), /closing failed: cache/);
  assert.deepEqual(closed, ['server', 'cache', 'pool']);
  await assert.rejects(closing.close(), /closing failed: cache/);
  assert.deepEqual(closed, ['server', 'cache', 'pool'], 'each step runs once');
});

test('a start that throws closes what it had opened and passes its own error on', async () => {
  const closing = new CloseStack(createLogger('silent'));
  const closed: string[] = [];
  await assert.rejects(
    closing.starting(async () => {
      closing.opened('pool', 'pool', async () => void closed.push('pool'));
      throw new Error('redis refused');
    }),
    /redis refused/,
  );
  assert.deepEqual(closed, ['pool']);
});
