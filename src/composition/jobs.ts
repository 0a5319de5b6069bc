import type { AppConfig } from '../config/config.js';
import { PostgresOrderOutbox } from '../adapters/postgres/order-outbox.store.js';
import { KafkaOrderEventPublisher } from '../adapters/kafka/order-event-publisher.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { notifierObserver, type Metrics } from '../platform/metrics.js';
import type { CloseStack } from '../platform/close-stack.js';
import { OrderExpiryJob, OutboxRelay } from '../modules/orders/index.js';
import { LocalDelivery, Notifier } from '../modules/notifications/index.js';
import type { Stores } from './stores.js';
import type { Modules } from './modules.js';

export interface Jobs {
  expiry: OrderExpiryJob;
  relay: OutboxRelay;
}

/**
 * The background work, made stopped (startJobs starts it): unpaid orders expire; order events,
 * the outbox the order statements write, are published by one relay at a time to Kafka
 * (KAFKA_BROKERS), or without it to the notifier in this process (ADR 15).
 */
export function wireJobs(o: {
  config: AppConfig;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  stores: Stores;
  modules: Modules;
  closing: CloseStack;
}): Jobs {
  const { config, clock, logger, metrics, closing } = o;
  const kafka = config.kafkaBrokers
    ? closing.opened(
        new KafkaOrderEventPublisher(config.kafkaBrokers, `bazaar-relay-${config.instanceId}`),
        'kafka publisher',
        (k) => k.close(),
      )
    : undefined;
  const delivery =
    kafka ?? new LocalDelivery(new Notifier(o.modules.notificationStore, clock, notifierObserver(metrics)));
  const relay = closing.opened(
    new OutboxRelay(new PostgresOrderOutbox(o.stores.db), delivery, clock, logger, {
      holder: config.instanceId,
      periodMs: 200,
      leaseMs: 5_000,
      onPublished: (n) => metrics.orderEvents.published.inc(n),
    }),
    'outbox relay',
    (r) => r.stop(),
  );
  metrics.setRelayLagSource(() => relay.lagSeconds());
  const expiryPeriodMs = Math.min(5_000, Math.max(250, config.orderTtlMs / 4));
  const expiry = closing.opened(
    new OrderExpiryJob(o.modules.orders, expiryPeriodMs, logger),
    'order expiry',
    (e) => e.stop(),
  );
  return { expiry, relay };
}
