import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/platform/processes.js';
import { testEnv } from './env.js';

// Schemathesis from PyPI, in a virtual environment under the project (.ci/run makes it first; a
// machine without it gets it here). Pinned: a new release may add checks, which is a change to make
// on purpose.
export const SCHEMATHESIS_VERSION = '4.32.5';
const TOOL_DIR = fileURLToPath(new URL('../../.tools/schemathesis', import.meta.url));
const BIN = join(TOOL_DIR, 'bin', 'schemathesis');
const CONFIG = fileURLToPath(new URL('../schemathesis/schemathesis.toml', import.meta.url));

export async function ensureSchemathesis(): Promise<string> {
  const installed = existsSync(BIN) ? await run(BIN, ['--version'], { env: testEnv() }).catch(() => '') : '';
  if (installed.includes(SCHEMATHESIS_VERSION)) return BIN;
  await run('python3', ['-m', 'venv', TOOL_DIR], { env: testEnv() });
  await run(join(TOOL_DIR, 'bin', 'pip'), ['install', '-q', `schemathesis==${SCHEMATHESIS_VERSION}`], {
    env: testEnv(),
  });
  return BIN;
}

export interface FuzzRun {
  code: number | null;
  output: string;
}

/**
 * Every check and every phase (examples, coverage, fuzzing, stateful) of the document at
 * `${baseUrl}/openapi.json`, as the holder of `token`. A fixed seed by default, so a run can be
 * repeated; BAZAAR_TEST_SCHEMATHESIS_SEED=random explores further.
 */
export async function fuzzApi(baseUrl: string, token: string, maxExamples = 100): Promise<FuzzRun> {
  const bin = await ensureSchemathesis();
  const seed = process.env.BAZAAR_TEST_SCHEMATHESIS_SEED ?? '20261130';
  const args = [
    '--config-file',
    CONFIG,
    'run',
    `${baseUrl}/openapi.json`,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'all',
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--max-examples',
    String(maxExamples),
    '--request-timeout',
    '20',
    '--no-color',
    ...(seed === 'random' ? [] : ['--seed', seed]),
  ];
  // Its own folder for Hypothesis's database, so runs never share what an earlier one found.
  const cwd = await mkdtemp(join(tmpdir(), 'bazaar-schemathesis-'));
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      void rm(cwd, { recursive: true, force: true }).then(() => resolve({ code, output }));
    });
  });
}

/** The summary and every failure of a run, without the long list of what passed. */
export function failuresOf(run: FuzzRun): string {
  const start = run.output.indexOf('FAILURES');
  return start >= 0 ? run.output.slice(start) : run.output.slice(-4000);
}
