import { describeOrderEvents } from '../adapters/kafka/order-events-topic.js';
import type { VerifyPart } from './kind.js';
import { brokerCount, brokerList } from './kafka.js';
import type { Topology } from './layout.js';

/**
 * Every broker is in the cluster and every partition of the order events has a leader and all its
 * replicas in sync (a broker back from a crash catches up within seconds, so this settles for up
 * to 30 s before a difference counts).
 */
export async function verifyKafka(t: Topology, settleMs = 30_000): Promise<VerifyPart> {
  const n = brokerCount(t);
  const replicas = Math.min(3, n);
  const deadline = Date.now() + settleMs;
  for (;;) {
    const differences: string[] = [];
    let details: unknown;
    try {
      const view = await describeOrderEvents(brokerList(t));
      details = view;
      if (view.brokers.length !== n)
        differences.push(`kafka: ${view.brokers.length} of ${n} brokers registered`);
      if (view.partitions.length === 0) differences.push('kafka: topic order-events missing');
      view.partitions.forEach((p, i) => {
        if (p.leader < 1) differences.push(`kafka: order-events partition ${i} has no leader`);
        else if (p.isr.length < replicas)
          differences.push(
            `kafka: order-events partition ${i} has ${p.isr.length} of ${replicas} replicas in sync`,
          );
      });
    } catch (error) {
      differences.push(`kafka: brokers unreachable (${(error as Error).message})`);
    }
    if (differences.length === 0 || Date.now() >= deadline)
      return { key: 'kafka', details, summary: `${n} Kafka brokers`, differences };
    await new Promise((r) => setTimeout(r, 500));
  }
}
