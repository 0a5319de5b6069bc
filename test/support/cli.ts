import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from '../../src/lab/load/summary.js';
import { testEnv } from './env.js';

const BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `bazaar` command line, as a person would, with only the settings the test states. */
export function bazaar(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: testEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function bazaarOk(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await bazaar(args, env);
  if (result.code !== 0)
    throw new Error(`bazaar ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/**
 * `bazaar load` against the cluster in `dir`, as the lab's tests run it: six shopaholics over two
 * workers, a second of warm-up and three measured; returns what `--out` wrote.
 */
export async function smallLoad(dir: string): Promise<LoadResult> {
  const out = join(dir, 'load.json');
  await bazaarOk([
    'load',
    '--dir',
    dir,
    '--users',
    '6',
    '--workers',
    '2',
    '--duration',
    '3s',
    '--warmup',
    '1s',
    '--out',
    out,
  ]);
  return JSON.parse(await readFile(out, 'utf8')) as LoadResult;
}
