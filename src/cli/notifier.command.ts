import { loadConfig } from '../config/config.js';
import { Lifecycle } from '../platform/lifecycle.js';
import { createLogger } from '../platform/logger.js';
import { createNotifierApp } from '../notifier-app.js';

export interface NotifierFlags {
  host?: string;
  port?: string;
  instanceId?: string;
  logLevel?: string;
}

/**
 * `bazaar notifier`: one member of the notifier's consumer group (DATABASE_URL and KAFKA_BROKERS
 * required). Its /metrics and /health listen on --host/--port.
 */
export async function notifier(flags: NotifierFlags): Promise<void> {
  const config = loadConfig(
    { host: flags.host, port: flags.port, instanceId: flags.instanceId, logLevel: flags.logLevel },
    undefined,
    { port: 9100 },
  );
  const logger = createLogger(config.logLevel, 'notifier');
  if (!config.databaseUrl)
    throw new Error('bazaar notifier needs DATABASE_URL (the store it writes notifications to)');
  if (!config.kafkaBrokers)
    throw new Error('bazaar notifier needs KAFKA_BROKERS (where order events come from)');
  const lifecycle = new Lifecycle(logger).install();
  const app = await createNotifierApp(config, config.databaseUrl, logger);
  lifecycle.onEnd(() => app.close());
  const port = await app.listen(config.host, config.port);
  process.stdout.write(
    `Bazaar notifier ${config.instanceId} consuming order events from ${config.kafkaBrokers.join(',')}; metrics on http://${config.host}:${port}/metrics\n`,
  );
}
