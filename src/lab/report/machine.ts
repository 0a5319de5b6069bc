import { CASSANDRA_VERSION } from '../../cluster/cassandra-software.js';
import { execFile } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { postgresPaths, requireBinary } from '../../cluster/requirements.js';

export interface Machine {
  cores: number;
  cpu: string;
  memory_gib: number;
  kernel: string;
  versions: Record<string, string>;
}

const exec = promisify(execFile);

/** A server's version line; some print it on stderr (nginx -v). */
async function versionOf(command: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await exec(command, args, { timeout: 10_000 });
    return `${stdout}${stderr}`.trim().split('\n')[0] ?? 'unknown';
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n')[0] || 'unknown';
  }
}

/** The machine and every server's version, for the report (the servers are installed by then). */
export async function describeMachine(): Promise<Machine> {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    versions: {
      node: process.version,
      postgresql: await versionOf(`${postgresPaths().bin}/postgres`, ['--version']),
      'pgpool-II': await versionOf(requireBinary('pgpool'), ['--version']),
      nginx: await versionOf(requireBinary('nginx'), ['-v']),
      redis: await versionOf('redis-server', ['--version']),
      cassandra: `Apache Cassandra ${CASSANDRA_VERSION} (cassandra-all from Maven Central)`,
      java: await versionOf('java', ['-version']),
    },
  };
}
