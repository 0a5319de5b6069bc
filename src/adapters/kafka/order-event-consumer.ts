import { Consumer, stringDeserializers, type Message, type MessagesStream } from '@platformatic/kafka';
import type { Logger } from '../../platform/logger.js';
import { sleep } from '../../platform/processes.js';
import { ORDER_EVENTS_TOPIC, ensureOrderEventsTopic } from './order-events-topic.js';

type EventMessage = Message<string, string, string, string>;

export interface ConsumerOptions {
  brokers: readonly string[];
  groupId: string;
  clientId: string;
  logger: Logger;
  /** Handles one message's value; resolves once its effects are committed in the store. */
  handle(value: string | undefined, partition: number): Promise<void>;
  /** Told the group's lag over this member's partitions, every few seconds. */
  onLag?(records: number): void;
  /** Messages handed out but not yet committed before reading pauses (default 200). */
  maxInFlight?: number;
}

/**
 * A member of the notifier's consumer group. Partitions are handled side by side, each strictly in
 * order (one order's events share a partition); a message's offset is committed only after its
 * handler committed its transaction, so a crash delivers it again rather than losing it. A handler
 * that fails (the database away) is retried until it succeeds: skipping it would commit past an
 * event that never became a notification.
 */
export class KafkaOrderEventConsumer {
  private consumer: Consumer<string, string, string, string> | undefined;
  private stream: MessagesStream<string, string, string, string> | undefined;
  private readonly chains = new Map<number, Promise<void>>();
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  /** Per partition: the newest handled message whose offset is not yet being committed. */
  private readonly toCommit = new Map<number, EventMessage>();
  private readonly committing = new Map<number, Promise<void>>();

  constructor(private readonly options: ConsumerOptions) {}

  private newConsumer(): Consumer<string, string, string, string> {
    return new Consumer({
      groupId: this.options.groupId,
      clientId: this.options.clientId,
      bootstrapBrokers: [...this.options.brokers],
      deserializers: stringDeserializers,
      // A member that dies is noticed within 6 s (the brokers' least) and its partitions given
      // to the others.
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 15_000,
      timeout: 5_000,
      retries: 10,
      retryDelay: 500,
      maxWaitTime: 500,
    });
  }

  /** Joins the group and starts reading; resolves once the first join succeeded. */
  async start(): Promise<void> {
    await ensureOrderEventsTopic(this.options.brokers, this.options.clientId);
    await this.open();
    this.loop = this.run();
    if (this.options.onLag) {
      const onLag = this.options.onLag;
      this.lagTimer = setInterval(() => {
        this.consumer
          ?.getLag({ topics: [ORDER_EVENTS_TOPIC] })
          .then((lag) =>
            onLag((lag.get(ORDER_EVENTS_TOPIC) ?? []).reduce((sum, n) => sum + (n > 0n ? Number(n) : 0), 0)),
          )
          .catch(() => undefined);
      }, 2_000);
      this.lagTimer.unref();
    }
  }

  private async open(): Promise<void> {
    this.consumer = this.newConsumer();
    this.stream = await this.consumer.consume({
      topics: [ORDER_EVENTS_TOPIC],
      autocommit: false,
      // A new group reads the topic from its start: no event published before it existed is missed.
      mode: 'committed',
      fallbackMode: 'earliest',
    });
    // Reported by the reading loop, which starts over.
    this.stream.on('error', () => undefined);
  }

  /**
   * Reads until stopped. A stream that fails (a broker gone longer than the client's retries, the
   * group coordinator moving) is dropped with its client once the events in hand are handled, and a
   * new member joins: it resumes from the committed offsets, so nothing is skipped.
   */
  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.read(this.stream!);
        if (this.stopped) return;
        throw new Error('the order events stream ended');
      } catch (error) {
        if (this.stopped) return;
        this.options.logger.warn({ err: error }, 'order events stream failed; joining the group again');
        await Promise.allSettled([...this.chains.values()]);
        await this.stream?.close().catch(() => undefined);
        await this.consumer?.close(true).catch(() => undefined);
        for (let attempt = 1; !this.stopped; attempt++) {
          try {
            await this.open();
            break;
          } catch (reopen) {
            this.options.logger.warn({ err: reopen, attempt }, 'could not join the notifier group; retrying');
            await sleep(Math.min(5_000, 500 * attempt));
          }
        }
      }
    }
  }

  private async read(stream: MessagesStream<string, string, string, string>): Promise<void> {
    const limit = this.options.maxInFlight ?? 200;
    for await (const message of stream) {
      if (this.stopped) break;
      this.dispatch(message);
      while (this.inFlight >= limit && !this.stopped) await new Promise<void>((r) => (this.wake = r));
    }
  }

  private dispatch(message: EventMessage): void {
    this.inFlight += 1;
    const previous = this.chains.get(message.partition) ?? Promise.resolve();
    const next = previous.then(() => this.handleAndCommit(message));
    this.chains.set(message.partition, next);
    void next.finally(() => {
      this.inFlight -= 1;
      if (this.chains.get(message.partition) === next) this.chains.delete(message.partition);
      this.wake?.();
      this.wake = undefined;
    });
  }

  private async handleAndCommit(message: EventMessage): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.options.handle(message.value, message.partition);
        break;
      } catch (error) {
        this.options.logger.warn(
          { err: error, partition: message.partition, offset: String(message.offset), attempt },
          'order event not handled; retrying',
        );
        await sleep(Math.min(5_000, 200 * attempt));
      }
    }
    if (this.stopped) return;
    this.commitAfter(message);
  }

  /**
   * Commits a handled message's offset without holding up the next message: while one commit of a
   * partition is in flight, later handled messages wait, and only the newest is committed next
   * (a commit covers every earlier offset of its partition). Never ahead of what was handled.
   */
  private commitAfter(message: EventMessage): void {
    const partition = message.partition;
    this.toCommit.set(partition, message);
    if (this.committing.has(partition)) return;
    const run = (async () => {
      for (let next = this.toCommit.get(partition); next; next = this.toCommit.get(partition)) {
        this.toCommit.delete(partition);
        try {
          await next.commit();
        } catch (error) {
          // The next commit of this partition covers this one; a crash before it repeats events.
          this.options.logger.warn({ err: error, partition }, 'offset commit failed');
        }
      }
    })();
    this.committing.set(partition, run);
    void run.finally(() => {
      this.committing.delete(partition);
      // Handled while the last commit was finishing: commit it too.
      const left = this.toCommit.get(partition);
      if (left && !this.stopped) this.commitAfter(left);
    });
  }

  /** Stops reading, lets the events in hand finish, and leaves the group. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.wake?.();
    await Promise.allSettled([...this.chains.values()]);
    await Promise.allSettled([...this.committing.values()]);
    await this.stream?.close().catch(() => undefined);
    await this.loop?.catch(() => undefined);
    await this.consumer?.close(true).catch(() => undefined);
  }
}
