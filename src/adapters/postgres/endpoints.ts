/** One PostgreSQL (or pgpool-II) address out of a possibly multi-host DATABASE_URL. */
export interface Endpoint {
  host: string;
  port: number;
}

export interface ConnectionTarget {
  endpoints: Endpoint[];
  user: string;
  password: string | undefined;
  database: string;
}

/**
 * Parses `postgres://user:pass@h1:p1,h2:p2/db`. The WHATWG URL parser rejects several hosts, so
 * the authority is split by hand and the rest is left to URL.
 */
export function parseDatabaseUrl(url: string): ConnectionTarget {
  const match = /^postgres(?:ql)?:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)(?:\/([^?]*))?(?:\?.*)?$/.exec(
    url,
  );
  if (!match) throw new Error(`DATABASE_URL is not a postgres:// URL: ${redact(url)}`);
  const [, user, password, hosts, database] = match;
  const endpoints = hosts!.split(',').map((part) => {
    const hostPort = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(part.trim());
    if (!hostPort) throw new Error(`DATABASE_URL has a bad host "${part}"`);
    return { host: hostPort[1]!.replace(/^\[|\]$/g, ''), port: Number(hostPort[2] ?? 5432) };
  });
  return {
    endpoints,
    user: decodeURIComponent(user || 'postgres'),
    password: password === undefined ? undefined : decodeURIComponent(password),
    database: decodeURIComponent(database || 'postgres'),
  };
}

export function redact(url: string): string {
  return url.replace(/(\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

export function formatEndpoint(endpoint: Endpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}
