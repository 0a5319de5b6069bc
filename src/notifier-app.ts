import { createServer, type Server } from 'node:http';
import type { AppConfig } from './config/config.js';
import { Database } from './adapters/postgres/database.js';
import { migrate } from './adapters/postgres/migrator.js';
import { PostgresNotificationStore } from './adapters/postgres/notifications.store.js';
import { KafkaOrderEventConsumer } from './adapters/kafka/order-event-consumer.js';
import { decodeOrderEvent, Notifier } from './modules/notifications/index.js';
import { systemClock } from './platform/clock.js';
import type { Logger } from './platform/logger.js';
import { Metrics, notifierObserver } from './platform/metrics.js';

/** The consumer group every notifier joins: Kafka spreads the topic's partitions over its members. */
export const NOTIFIER_GROUP = 'bazaar-notifier';

export interface NotifierApp {
  /** Serves /metrics and /health on host:port (port 0: any free port); resolves to the port. */
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * `bazaar notifier`'s composition root: order events from Kafka to notifications in PostgreSQL,
 * through the same Notifier the embedded default runs inside the API (ADR 15).
 */
export async function createNotifierApp(
  config: AppConfig,
  databaseUrl: string,
  logger: Logger,
): Promise<NotifierApp> {
  if (!config.kafkaBrokers) throw new Error('bazaar notifier needs KAFKA_BROKERS');
  const metrics = new Metrics();
  const db = new Database(databaseUrl, {
    poolSize: Math.min(config.databasePoolSize, 8),
    logger,
    metrics,
    applicationName: `bazaar ${config.instanceId}`,
    replication: config.databaseReplication,
  });
  await migrate(db, systemClock, logger);
  const notifier = new Notifier(new PostgresNotificationStore(db), systemClock, notifierObserver(metrics));
  const consumer = new KafkaOrderEventConsumer({
    brokers: config.kafkaBrokers,
    groupId: NOTIFIER_GROUP,
    clientId: `bazaar-${config.instanceId}`,
    logger,
    handle: async (value, partition) => {
      const event = decodeOrderEvent(value);
      if ('invalid' in event) {
        metrics.orderEvents.outcomes.inc({ outcome: 'invalid' });
        logger.error(
          { partition, reason: event.invalid },
          'a message on order-events is not an order event; skipped',
        );
        return;
      }
      await notifier.handle(event);
    },
    onLag: (records) => metrics.orderEvents.consumerLag.set(records),
  });
  await consumer.start();
  logger.info({ brokers: config.kafkaBrokers, group: NOTIFIER_GROUP }, 'notifier consuming order events');

  let server: Server | undefined;
  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server = createServer((request, response) => {
          if (request.url === '/metrics') {
            metrics.registry.metrics().then(
              (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
              () => response.writeHead(500).end(),
            );
          } else if (request.url === '/health') {
            response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
          } else response.writeHead(404).end();
        });
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server!.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await consumer.close();
      await db.close();
    },
  };
}
