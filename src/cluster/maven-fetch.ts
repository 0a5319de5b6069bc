import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Machine } from './machines/machine.js';
import { debianProgram, type Requirement } from './requirements.js';

/** A server distributed as jars on Maven Central: what to depend on, and where it is kept. */
export interface MavenServer {
  /** Readable name with version ("Apache Kafka 4.4.0"). */
  readonly title: string;
  /** The folder under the cache that holds this version (`kafka-4.4.0`). */
  readonly folder: string;
  /** A jar whose presence in `lib` says the fetch completed. */
  readonly markerJar: string;
  readonly dependencies: readonly { group: string; artifact: string; version: string }[];
}

/** Maven itself, which fetches the jars where the launcher runs. */
export const MAVEN: Requirement = { ...debianProgram('Maven', 'mvn', 'maven'), launcherOnly: true };

export function serverLib(cacheDir: string, server: MavenServer): string {
  return join(cacheDir, server.folder, 'lib');
}

/** The jars' folder as the machine that runs them sees it (sent there first when it has no copy). */
export function serverLibOn(machine: Machine, cacheDir: string, server: MavenServer): Promise<string> {
  return machine.software(serverLib(cacheDir, server), server.folder);
}

/** The jars are in the cache (the last step of a fetch is the rename that creates `lib`). */
export function serverFetched(cacheDir: string, server: MavenServer): boolean {
  return existsSync(join(serverLib(cacheDir, server), server.markerJar));
}

function pom(server: MavenServer): string {
  const deps = server.dependencies
    .map(
      (d) =>
        `    <dependency><groupId>${d.group}</groupId><artifactId>${d.artifact}</artifactId><version>${d.version}</version></dependency>`,
    )
    .join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bazaar</groupId>
  <artifactId>${server.folder}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

/**
 * Fetches a server's jars and their runtime dependencies from Maven Central into the cache, with a
 * progress line every 50 downloads. Written to a scratch folder and renamed at the end, so an
 * interrupted fetch never leaves a half-filled `lib` that looks complete.
 */
export async function fetchServer(
  cacheDir: string,
  server: MavenServer,
  say: (line: string) => void,
): Promise<void> {
  if (serverFetched(cacheDir, server)) return;
  const home = join(cacheDir, server.folder);
  const scratch = join(home, 'fetch');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  await writeFile(join(scratch, 'pom.xml'), pom(server));
  say(`fetching ${server.title} and its dependencies from Maven Central`);
  const started = Date.now();
  let downloads = 0;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'mvn',
      [
        '-B',
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(scratch, 'lib')}`,
      ],
      { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let tail = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) {
        const url = /Downloaded from \S+: (\S+)/.exec(line)?.[1];
        if (url) {
          downloads += 1;
          if (downloads % 50 === 1) say(`  ${downloads} files downloaded so far (${url.split('/').pop()})`);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`mvn failed (exit ${code}):\n${tail.trim()}`)),
    );
  });
  const lib = serverLib(cacheDir, server);
  await rm(lib, { recursive: true, force: true });
  await rename(join(scratch, 'lib'), lib);
  await rm(scratch, { recursive: true, force: true });
  const jars = readdirSync(lib).filter((f) => f.endsWith('.jar')).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  say(`${server.title}: ${jars} jars in ${lib} (${downloads} files downloaded in ${seconds} s)`);
}
