import { Admin } from '@platformatic/kafka';

/** The topic order events travel on, keyed by order id: one order's events stay in one partition. */
export const ORDER_EVENTS_TOPIC = 'order-events';

/**
 * Six partitions: room for six notifiers in the consumer group (the launcher allows up to four),
 * few enough that three brokers on two cores elect their leaders in a second.
 */
export const ORDER_EVENTS_PARTITIONS = 6;

function admin(brokers: readonly string[], clientId: string): Admin {
  return new Admin({ clientId, bootstrapBrokers: [...brokers], timeout: 5_000, retries: 2, retryDelay: 250 });
}

/**
 * Creates the topic unless it exists. Replication factor and `min.insync.replicas` are the
 * brokers' defaults (`default.replication.factor`, `min.insync.replicas` in their configuration),
 * so the cluster decides them in one place and every creator agrees.
 */
export async function ensureOrderEventsTopic(brokers: readonly string[], clientId = 'bazaar'): Promise<void> {
  const client = admin(brokers, clientId);
  try {
    const existing = await client.listTopics();
    if (existing.includes(ORDER_EVENTS_TOPIC)) return;
    await client
      .createTopics({ topics: [ORDER_EVENTS_TOPIC], partitions: ORDER_EVENTS_PARTITIONS, replicas: -1 })
      .catch((error: unknown) => {
        // Another creator won the race: the topic is there, which is all that was asked.
        if (!/already exists/i.test(String((error as Error)?.message) + JSON.stringify(error))) throw error;
      });
  } finally {
    await client.close();
  }
}

/** The ids of the brokers the cluster lists as serving (registered and unfenced). */
export async function servingBrokers(brokers: readonly string[]): Promise<number[]> {
  const client = admin(brokers, 'bazaar-probe');
  try {
    const metadata = await client.metadata({ topics: [], forceUpdate: true });
    return [...metadata.brokers.keys()].sort((a, b) => a - b);
  } finally {
    await client.close();
  }
}

/** How the brokers see themselves: their ids, and each partition's leader and in-sync replicas. */
export async function describeOrderEvents(
  brokers: readonly string[],
): Promise<{ brokers: number[]; partitions: { leader: number; isr: number[] }[] }> {
  const client = admin(brokers, 'bazaar-describe');
  try {
    const metadata = await client.metadata({ topics: [ORDER_EVENTS_TOPIC], forceUpdate: true });
    const topic = metadata.topics.get(ORDER_EVENTS_TOPIC);
    return {
      brokers: [...metadata.brokers.keys()].sort((a, b) => a - b),
      partitions: (topic?.partitions ?? []).map((p) => ({ leader: p.leader, isr: [...p.isr] })),
    };
  } finally {
    await client.close();
  }
}
