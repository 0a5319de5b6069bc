import type { OrderEvent, OrderEventPublisher } from '../orders/index.js';
import type { Notifier } from './notifier.service.js';

/**
 * Without Kafka (the embedded default), the relay hands events straight to the notifier in this
 * process: the same outbox, the same rules, acknowledged once each event is applied (or found a
 * repeat, or held).
 */
export class LocalDelivery implements OrderEventPublisher {
  constructor(private readonly notifier: Notifier) {}

  async publish(events: readonly OrderEvent[]): Promise<void> {
    for (const event of events) await this.notifier.handle(event);
  }
}
