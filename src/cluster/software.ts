import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { run } from './processes.js';
import { CASSANDRA_VERSION, cassandraFetched, cassandraLib } from './cassandra-software.js';

export interface Software {
  pgBin: string;
  pgShare: string;
  pgVersion: string;
  pgpool: string;
  pcpRecoveryNode: string;
  nginx: string;
}

interface Requirement {
  name: string;
  packages: string[];
  find(): string | undefined;
}

function postgresVersion(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0];
}

function firstExisting(...paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

const REQUIREMENTS: Requirement[] = [
  { name: 'PostgreSQL server', packages: ['postgresql'], find: () => postgresVersion() },
  {
    name: 'pgpool-II',
    packages: ['pgpool2'],
    find: () => firstExisting('/usr/sbin/pgpool', '/usr/bin/pgpool'),
  },
  {
    name: 'pgpool_recovery extension',
    packages: [],
    find: () => {
      const v = postgresVersion();
      return v ? firstExisting(`/usr/share/postgresql/${v}/extension/pgpool_recovery.control`) : undefined;
    },
  },
  { name: 'nginx', packages: ['nginx'], find: () => firstExisting('/usr/sbin/nginx', '/usr/bin/nginx') },
  { name: 'Redis', packages: ['redis-server'], find: () => firstExisting('/usr/bin/redis-server') },
  { name: 'Java runtime', packages: ['default-jre-headless'], find: () => firstExisting('/usr/bin/java') },
  // Maven fetches the Cassandra server jars from Maven Central into a cache (cassandra-software.ts).
  { name: 'Maven', packages: ['maven'], find: () => firstExisting('/usr/bin/mvn') },
  {
    name: 'Redis Sentinel',
    packages: ['redis-sentinel'],
    find: () => firstExisting('/usr/bin/redis-sentinel'),
  },
];

export interface DoctorLine {
  name: string;
  found: string | undefined;
}

export function doctor(): DoctorLine[] {
  return [
    ...REQUIREMENTS.map((r) => ({ name: r.name, found: r.find() })),
    // Not a Debian package: fetched from Maven Central by the first `cluster up --cassandra`.
    {
      name: `Apache Cassandra ${CASSANDRA_VERSION} jars`,
      found: cassandraFetched() ? cassandraLib() : undefined,
    },
  ];
}

/** Installs what is missing (Debian packages, as root), saying what it installs. */
export async function ensureSoftware(say: (line: string) => void): Promise<Software> {
  let missing = REQUIREMENTS.filter((r) => !r.find());
  if (missing.length > 0) {
    const version = postgresVersion();
    const packages = new Set(missing.flatMap((r) => r.packages));
    if (missing.some((r) => r.name === 'pgpool_recovery extension' || r.name === 'pgpool-II')) {
      packages.add(version ? `postgresql-${version}-pgpool2` : 'postgresql-pgpool2');
    }
    if (userInfo().uid !== 0) {
      throw new Error(
        `missing ${missing.map((r) => r.name).join(', ')}: install ${[...packages].join(' ')} (apt-get, as root)`,
      );
    }
    say(`installing ${[...packages].join(' ')} (Debian packages, first use)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      await run('apt-get', ['install', '-y', '-q', ...packages], { env });
    } catch {
      await run('apt-get', ['update', '-q'], { env });
      await run('apt-get', ['install', '-y', '-q', ...packages], { env });
    }
    missing = REQUIREMENTS.filter((r) => !r.find());
    if (missing.length > 0)
      throw new Error(`still missing after install: ${missing.map((r) => r.name).join(', ')}`);
  }
  const version = postgresVersion()!;
  const sbin = (name: string) => firstExisting(`/usr/sbin/${name}`, `/usr/bin/${name}`)!;
  return {
    pgBin: `/usr/lib/postgresql/${version}/bin`,
    pgShare: `/usr/share/postgresql/${version}`,
    pgVersion: version,
    pgpool: sbin('pgpool'),
    pcpRecoveryNode: sbin('pcp_recovery_node'),
    nginx: sbin('nginx'),
  };
}
