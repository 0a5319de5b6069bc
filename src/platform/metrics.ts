import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { addStoreTime } from './request-timing.js';
import { inStoreSpan } from './trace-context.js';

/** One registry per API instance: HTTP traffic, store client latency and process metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  readonly storeDuration: Histogram<'store' | 'operation' | 'outcome'>;
  /** Per request: the time its store calls took, summed (what of its time the stores account for). */
  readonly requestStoreTime: Histogram<'route' | 'method'>;
  readonly redisWaitShort: Counter;
  readonly productCache: { hits: Counter; misses: Counter; evictions: Counter; bypassing: Gauge };
  readonly listingCache: { hits: Counter; misses: Counter };
  readonly orderEvents: {
    published: Counter;
    /** Age of the oldest event not yet published; set by a collect callback (relayLagSource). */
    relayLag: Gauge;
    outcomes: Counter<'outcome'>;
    /** From a status change to its notification. */
    delay: Histogram;
    /** Records of the topic not yet handled by this notifier's group, set by the consumer. */
    consumerLag: Gauge;
  };

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'bazaar_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'bazaar_http_request_duration_seconds',
      help: 'HTTP request latency by route, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.storeDuration = new Histogram({
      name: 'bazaar_store_operation_duration_seconds',
      help: 'Store client latency by store and operation',
      labelNames: ['store', 'operation', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    this.requestStoreTime = new Histogram({
      name: 'bazaar_http_request_store_seconds',
      help: "Time a request's store calls took, summed, by route and method",
      labelNames: ['route', 'method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    this.redisWaitShort = new Counter({
      name: 'bazaar_redis_wait_short_total',
      help: 'Cart writes acknowledged before every online replica confirmed them (WAIT timed out)',
      registers: [this.registry],
    });
    this.productCache = productCacheMetrics(this.registry);
    this.listingCache = {
      hits: counter(
        this.registry,
        'bazaar_listing_cache_hits_total',
        'List pages and searches whose products were known',
      ),
      misses: counter(
        this.registry,
        'bazaar_listing_cache_misses_total',
        'List pages and searches read from the store',
      ),
    };
    const events = orderEventMetrics(this.registry);
    this.orderEvents = events.metrics;
    this.setRelayLagSource = events.setRelayLagSource;
  }

  /** Where the relay lag gauge reads the oldest unsent event's age from (seconds). */
  readonly setRelayLagSource: (source: () => Promise<number>) => void;

  /**
   * Times one store call (added to the request's store time too) and, in a recorded trace, makes
   * it a span; the operation name is the statement's name, never its text.
   */
  timeStore<T>(store: string, operation: string, work: () => Promise<T>): Promise<T> {
    return inStoreSpan(store, operation, async () => {
      const end = this.storeDuration.startTimer({ store, operation });
      let outcome = 'error';
      try {
        const result = await work();
        outcome = 'ok';
        return result;
      } finally {
        addStoreTime(end({ outcome }));
      }
    });
  }
}

/** The notifier's outcomes and delays, counted in these metrics. */
export function notifierObserver(metrics: Metrics): {
  handled(outcome: string): void;
  applied(event: { occurred_at: string }, at: Date): void;
} {
  return {
    handled: (outcome) => metrics.orderEvents.outcomes.inc({ outcome }),
    applied: (event, at) =>
      metrics.orderEvents.delay.observe(Math.max(0, (at.getTime() - Date.parse(event.occurred_at)) / 1000)),
  };
}

function counter(registry: Registry, name: string, help: string): Counter {
  return new Counter({ name, help, registers: [registry] });
}

function productCacheMetrics(registry: Registry): Metrics['productCache'] {
  return {
    hits: counter(
      registry,
      'bazaar_product_cache_hits_total',
      'Product cards answered from the instance cache',
    ),
    misses: counter(registry, 'bazaar_product_cache_misses_total', 'Product cards read from the store'),
    evictions: counter(
      registry,
      'bazaar_product_cache_evictions_total',
      'Product cards dropped to make room (least recently used)',
    ),
    bypassing: new Gauge({
      name: 'bazaar_product_cache_bypassing',
      help: '1 while the product change feed is down and every card is read from the store',
      registers: [registry],
    }),
  };
}

function orderEventMetrics(registry: Registry) {
  let relayLag: () => Promise<number> = async () => 0;
  const metrics = {
    published: counter(registry, 'bazaar_order_events_published_total', 'Order events the relay published'),
    relayLag: new Gauge({
      name: 'bazaar_order_events_relay_lag_seconds',
      help: 'Age of the oldest order event not yet published (0: none waiting)',
      registers: [registry],
      async collect() {
        this.set(await relayLag().catch(() => -1));
      },
    }),
    outcomes: new Counter({
      name: 'bazaar_notifier_events_total',
      help: 'Order events the notifier handled, by outcome (applied, duplicate skipped, held out of order, invalid)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    delay: new Histogram({
      name: 'bazaar_notification_delay_seconds',
      help: 'From an order status change to its notification being written',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'bazaar_notifier_consumer_lag',
      help: "Order events on the topic not yet handled by the notifier group (this member's partitions)",
      registers: [registry],
    }),
  };
  const setRelayLagSource = (source: () => Promise<number>) => {
    relayLag = source;
  };
  return { metrics, setRelayLagSource };
}
