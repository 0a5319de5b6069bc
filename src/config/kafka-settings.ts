/** `KAFKA_BROKERS=host:port,host:port`: where order events go (absent: delivered in process). */
export function parseKafkaBrokers(raw: string | undefined): readonly string[] | undefined | string {
  if (raw === undefined) return undefined;
  const brokers = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b)))
    return `KAFKA_BROKERS must be host:port[,host:port...], got "${raw}"`;
  return Object.freeze(brokers);
}
