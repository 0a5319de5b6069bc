import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import type { OrderEvent, OrderEventPublisher } from '../../modules/orders/index.js';
import { encodeOrderEvent } from '../../modules/notifications/index.js';
import { ORDER_EVENTS_TOPIC, ensureOrderEventsTopic } from './order-events-topic.js';

/**
 * The relay's publisher on Kafka: each event to `order-events`, keyed by its order id (one order's
 * events in one partition, in the order they are sent), as JSON. An idempotent producer with
 * `acks=all`: the broker drops a batch the producer retries after a lost acknowledgement, and
 * acknowledges only once every in-sync replica (at least `min.insync.replicas`) holds it. A send
 * resolves after that acknowledgement; only then does the relay mark the events published.
 */
export class KafkaOrderEventPublisher implements OrderEventPublisher {
  private readonly producer: Producer<string, string, string, string>;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly brokers: readonly string[],
    clientId: string,
  ) {
    this.producer = new Producer({
      clientId,
      bootstrapBrokers: [...brokers],
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      // A broker that is down is given up on quickly and the send retried on the new leader.
      timeout: 5_000,
      retries: 5,
      retryDelay: 250,
      autocreateTopics: false,
    });
  }

  async publish(events: readonly OrderEvent[]): Promise<void> {
    // The topic is made once, on first use (the launcher makes it too; whoever is first wins).
    this.ready ??= ensureOrderEventsTopic(this.brokers).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    await this.producer.send({
      messages: events.map((event) => ({
        topic: ORDER_EVENTS_TOPIC,
        key: event.order_id,
        value: encodeOrderEvent(event),
        headers: { 'event-id': event.id, type: 'order.status_changed' },
      })),
    });
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
