import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The server release the cluster runs: Cassandra 5.0 is the first line that supports Java 17. */
export const CASSANDRA_VERSION = '5.0.4';

/** Where the server's jars are kept between runs (one folder per version, under `cacheDir`). */
export function cassandraHome(cacheDir: string): string {
  return join(cacheDir, `cassandra-${CASSANDRA_VERSION}`);
}

export function cassandraLib(cacheDir: string): string {
  return join(cassandraHome(cacheDir), 'lib');
}

/** The jars are in the cache (the last step of a fetch is the rename that creates `lib`). */
export function cassandraFetched(cacheDir: string): boolean {
  const lib = cassandraLib(cacheDir);
  return existsSync(join(lib, `cassandra-all-${CASSANDRA_VERSION}.jar`));
}

const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bazaar</groupId>
  <artifactId>cassandra-server</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>${CASSANDRA_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

/**
 * Fetches `cassandra-all` and its runtime dependencies from Maven Central into the cache, with a
 * progress line per downloaded artifact. Written to a scratch folder and renamed at the end, so an
 * interrupted fetch never leaves a half-filled `lib` that looks complete.
 */
export async function fetchCassandra(cacheDir: string, say: (line: string) => void): Promise<void> {
  if (cassandraFetched(cacheDir)) return;
  const home = cassandraHome(cacheDir);
  const scratch = join(home, 'fetch');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  await writeFile(join(scratch, 'pom.xml'), POM);
  say(
    `fetching Apache Cassandra ${CASSANDRA_VERSION} (cassandra-all and its dependencies) from Maven Central`,
  );
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
  await rename(join(scratch, 'lib'), cassandraLib(cacheDir));
  await rm(scratch, { recursive: true, force: true });
  const jars = readdirSync(cassandraLib(cacheDir)).filter((f) => f.endsWith('.jar')).length;
  say(`Cassandra ${CASSANDRA_VERSION}: ${jars} jars in ${cassandraLib(cacheDir)} (${downloads} downloaded)`);
}
