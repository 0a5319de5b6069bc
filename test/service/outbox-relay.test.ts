import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutboxRelay } from '../../src/modules/orders/index.js';
import type { OrderEvent, OrderEventPublisher, OrderOutbox } from '../../src/modules/orders/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { ManualClock } from './fakes.js';

// The relay's rules against an in-memory outbox with a lease, as the PostgreSQL one keeps it.

class FakeOutbox implements OrderOutbox {
  readonly events: Array<OrderEvent & { published: boolean }> = [];
  held = { holder: '', until: 0 };

  add(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = this.events.length + 1;
      this.events.push({
        id: `e${String(n).padStart(4, '0')}`,
        order_id: `o${n}`,
        user_id: 'u1',
        seq: 1,
        status: 'pending_payment',
        cause: 'customer',
        total: 100,
        currency: 'RUB',
        occurred_at: '2026-01-01T00:00:00.000Z',
        published: false,
      });
    }
  }
  async lease(holder: string, now: Date, until: Date) {
    if (this.held.holder !== holder && this.held.until >= now.getTime()) return false;
    this.held = { holder, until: until.getTime() };
    return true;
  }
  async unpublished(limit: number) {
    return this.events.filter((e) => !e.published).slice(0, limit);
  }
  async markPublished(ids: readonly string[]) {
    for (const e of this.events) if (ids.includes(e.id)) e.published = true;
  }
  async oldestUnpublished() {
    const first = this.events.find((e) => !e.published);
    return first ? new Date(first.occurred_at) : undefined;
  }
}

/** A publisher that keeps what it got, and can fail once after "sending" (a crash before the mark). */
class RecordingPublisher implements OrderEventPublisher {
  readonly sent: string[] = [];
  failNext = false;
  async publish(events: readonly OrderEvent[]) {
    this.sent.push(...events.map((e) => e.id));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('acknowledgement lost');
    }
  }
}

const logger = createLogger('silent', 'test', { terminal: false });

function relay(outbox: FakeOutbox, publisher: RecordingPublisher, clock: ManualClock, holder: string) {
  return new OutboxRelay(outbox, publisher, clock, logger, {
    holder,
    periodMs: 10,
    leaseMs: 5000,
    batch: 10,
  });
}

test('the relay publishes everything waiting, oldest first, in batches, and marks it', async () => {
  const outbox = new FakeOutbox();
  const publisher = new RecordingPublisher();
  outbox.add(25);
  assert.equal(await relay(outbox, publisher, new ManualClock(), 'a').drain(), 25);
  assert.deepEqual(
    publisher.sent,
    outbox.events.map((e) => e.id),
  );
  assert.ok(outbox.events.every((e) => e.published));
});

test('only the lease holder publishes; another takes over once the lease lapses', async () => {
  const outbox = new FakeOutbox();
  const publisher = new RecordingPublisher();
  const clock = new ManualClock();
  const [a, b] = [relay(outbox, publisher, clock, 'a'), relay(outbox, publisher, clock, 'b')];
  outbox.add(3);
  await a.drain();
  outbox.add(2);
  assert.equal(await b.drain(), 0, 'a holds the lease');
  clock.advance(5001); // a stopped renewing (it died)
  assert.equal(await b.drain(), 2);
  assert.equal(publisher.sent.length, 5);
});

test('a failure between publishing and marking publishes again: a repeat, never a loss', async () => {
  const outbox = new FakeOutbox();
  const publisher = new RecordingPublisher();
  const r = relay(outbox, publisher, new ManualClock(), 'a');
  outbox.add(3);
  publisher.failNext = true;
  await assert.rejects(r.drain(), /acknowledgement lost/);
  assert.ok(outbox.events.every((e) => !e.published));
  assert.equal(await r.drain(), 3);
  assert.deepEqual(publisher.sent, ['e0001', 'e0002', 'e0003', 'e0001', 'e0002', 'e0003']);
});

test('an idle outbox costs the relay no lease', async () => {
  const outbox = new FakeOutbox();
  const r = relay(outbox, new RecordingPublisher(), new ManualClock(), 'a');
  assert.equal(await r.drain(), 0);
  assert.equal(outbox.held.holder, '', 'the lease row was not written');
});

test('the relay lag is the age of the oldest event still waiting, and 0 once all are published', async () => {
  const outbox = new FakeOutbox();
  const clock = new ManualClock(new Date('2026-01-01T00:00:07.500Z'));
  const r = relay(outbox, new RecordingPublisher(), clock, 'a');
  assert.equal(await r.lagSeconds(), 0);
  outbox.add(2);
  assert.equal(await r.lagSeconds(), 7.5);
  await r.drain();
  assert.equal(await r.lagSeconds(), 0);
});
