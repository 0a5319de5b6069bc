/** Where Redis is: through Sentinel (preferred: follows failovers), or one URL. */
export type RedisSettings =
  | { kind: 'sentinel'; sentinels: Array<{ host: string; port: number }>; masterName: string }
  | { kind: 'url'; url: string };

/** `REDIS_SENTINELS=127.0.0.1:26379,127.0.0.1:26380` + `REDIS_MASTER_NAME`, or `REDIS_URL`. */
export function parseRedisSettings(
  sentinels: string | undefined,
  masterName: string | undefined,
  url: string | undefined,
): RedisSettings | string {
  if (sentinels) {
    const list = sentinels
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const parsed = list.map((entry) => {
      const match = /^([^:]+):(\d{1,5})$/.exec(entry);
      return match ? { host: match[1]!, port: Number(match[2]) } : null;
    });
    if (parsed.length === 0 || parsed.some((p) => p === null || p.port < 1 || p.port > 65535))
      return 'REDIS_SENTINELS must be host:port[,host:port...]';
    return {
      kind: 'sentinel',
      sentinels: parsed as Array<{ host: string; port: number }>,
      masterName: masterName || 'bazaar',
    };
  }
  if (url) {
    if (!/^rediss?:\/\//.test(url)) return 'REDIS_URL must start with redis://';
    return { kind: 'url', url };
  }
  return 'CART_STORE=redis needs REDIS_SENTINELS (with REDIS_MASTER_NAME) or REDIS_URL';
}
