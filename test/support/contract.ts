import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testEnv } from './env.js';

const CONTRACT_DIR = fileURLToPath(new URL('../contract/', import.meta.url));
/** The docs/api.md contract, one file per domain. */
const CONTRACT_SUITE = readdirSync(CONTRACT_DIR)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join(CONTRACT_DIR, f));

/**
 * Runs the whole docs/api.md contract suite as a test run of its own (a clean environment, so it is not
 * a nested run and nothing of the caller's shell leaks in) with the given environment; resolves with its exit code and the lines
 * that explain a failure.
 */
/** Far above the suite's usual minute or two. */
const CONTRACT_SUITE_LIMIT_MS = 10 * 60_000;

export function runContractSuite(
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; failures: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', ...CONTRACT_SUITE],
      {
        env: testEnv(env),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    // A file whose process never exits (a handle left open) would hold the whole run: it fails.
    const limit = setTimeout(() => {
      out += `\nnot ok: the contract suite did not exit within ${CONTRACT_SUITE_LIMIT_MS / 60_000} minutes (an open handle?)`;
      // SIGTERM: the runner stops the test files it started, then itself.
      child.kill('SIGTERM');
    }, CONTRACT_SUITE_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({
        code,
        out,
        failures: out
          .split('\n')
          .filter((l) => /not ok|Error|expected|actual/.test(l))
          .join('\n'),
      });
    });
  });
}

/** The whole contract suite through one entrypoint of a running cluster, as its operator (`dir`). */
export async function assertContractThrough(url: string, dir: string): Promise<void> {
  const { adminPassword, topology } = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
  // On machines, the API sees this machine at the address the machines reach it at.
  const control: string | undefined = topology.machines?.control;
  const run = await runContractSuite({
    BAZAAR_TEST_TARGET: url,
    BAZAAR_TEST_ADMIN_PASSWORD: adminPassword,
    ...(control ? { BAZAAR_TEST_CLIENT_IP: control } : {}),
  });
  assert.equal(run.code, 0, `contract suite through ${url}:\n${run.failures}`);
  assert.match(run.out, /# fail 0/);
}
