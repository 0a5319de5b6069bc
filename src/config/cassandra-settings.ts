/** Where the Cassandra catalog is, and at which consistency it is read and written. */
export interface CassandraSettings {
  contactPoints: string[];
  /** The native (CQL) port every node listens on. */
  port: number;
  consistency: CassandraConsistency;
  keyspace: string;
}

export const CONSISTENCY_LEVELS = [
  'ONE',
  'TWO',
  'THREE',
  'QUORUM',
  'ALL',
  'LOCAL_QUORUM',
  'LOCAL_ONE',
] as const;
export type CassandraConsistency = (typeof CONSISTENCY_LEVELS)[number];

/** `CASSANDRA_CONTACT_POINTS=127.0.0.2:9042,127.0.0.3:9042` (port optional, 9042), consistency QUORUM. */
export function parseCassandraSettings(
  contactPoints: string | undefined,
  consistency: string | undefined,
  keyspace: string | undefined,
): CassandraSettings | string {
  if (!contactPoints) return 'CATALOG_STORE=cassandra needs CASSANDRA_CONTACT_POINTS (host[:port],...)';
  const parsed = contactPoints
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(entry));
  if (parsed.length === 0 || parsed.some((m) => m === null))
    return 'CASSANDRA_CONTACT_POINTS must be host[:port][,host[:port]...]';
  const ports = new Set(parsed.map((m) => Number(m![2] ?? 9042)));
  if (ports.size > 1) return 'CASSANDRA_CONTACT_POINTS must all use the same port (the ring’s CQL port)';
  const level = (consistency ?? 'QUORUM').toUpperCase();
  if (!(CONSISTENCY_LEVELS as readonly string[]).includes(level))
    return `CASSANDRA_CONSISTENCY must be one of ${CONSISTENCY_LEVELS.join(', ')}, got "${consistency}"`;
  const name = keyspace ?? 'bazaar';
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(name)) return 'CASSANDRA_KEYSPACE must be a lower-case identifier';
  const port = [...ports][0]!;
  return {
    contactPoints: parsed.map((m) => `${m![1]}:${port}`),
    port,
    consistency: level as CassandraConsistency,
    keyspace: name,
  };
}
