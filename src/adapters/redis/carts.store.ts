import type { Redis } from 'ioredis';
import type { CartLine, CartStore, StoredCart } from '../../modules/carts/index.js';
import type { Metrics } from '../../platform/metrics.js';
import { translateRedisError } from './errors.js';
import { AppError } from '../../platform/errors.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * One hash per user, `cart:{<user id>}`: product id -> quantity, plus `updated_at`. Every change is
 * one Lua script (atomic, and it returns the cart after the change) followed by WAIT in the same
 * pipeline: one round trip.
 */
const UPDATED_AT = 'updated_at';

const SCRIPTS = {
  cartSet: `redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], '${UPDATED_AT}', ARGV[3])
return redis.call('HGETALL', KEYS[1])`,
  cartRemove: `if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  if redis.call('HLEN', KEYS[1]) <= 1 then redis.call('DEL', KEYS[1]) return {} end
  redis.call('HSET', KEYS[1], '${UPDATED_AT}', ARGV[2])
end
return redis.call('HGETALL', KEYS[1])`,
  // Removes the ordered lines only where the quantity is still the ordered one: a line changed
  // after checkout read the cart stays.
  cartRemoveOrdered: `local removed = 0
for i = 2, #ARGV - 1, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    removed = removed + 1
  end
end
if redis.call('HLEN', KEYS[1]) <= 1 then redis.call('DEL', KEYS[1])
elseif removed > 0 then redis.call('HSET', KEYS[1], '${UPDATED_AT}', ARGV[1]) end
return removed`,
} as const;

type Scripted = Redis & {
  cartSet(key: string, product: string, quantity: number, at: string): Promise<string[]>;
  cartRemove(key: string, product: string, at: string): Promise<string[]>;
  cartRemoveOrdered(key: string, at: string, ...pairs: Array<string | number>): Promise<number>;
};

const NO_REPLICA = 'No replica of the cart store confirmed the change; try again shortly';

export const cartKey = (userId: string) => `cart:{${userId}}`;

/** HGETALL's flat [field, value, ...] reply as a stored cart. */
export function toCart(flat: string[]): StoredCart {
  const lines: CartLine[] = [];
  let updatedAt: string | null = null;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (flat[i] === UPDATED_AT) updatedAt = flat[i + 1]!;
    else lines.push({ product_id: flat[i]!, quantity: Number(flat[i + 1]) });
  }
  return { lines, updated_at: lines.length > 0 ? updatedAt : null };
}

/**
 * How long a write waits for the replicas (ADR 8): normally they confirm within a millisecond; a
 * change that no replica confirmed in time is not acknowledged.
 */
export const WAIT_MS = 250;

export class RedisCartStore implements CartStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly metrics: Metrics,
  ) {
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      redis.primary.defineCommand(name, { numberOfKeys: 1, lua });
    }
  }

  get(userId: string): Promise<StoredCart> {
    return this.run('carts.get', async () =>
      toCart(await this.redis.read((client) => client.call('HGETALL', cartKey(userId)) as Promise<string[]>)),
    );
  }

  setQuantity(userId: string, productId: string, quantity: number, at: Date): Promise<StoredCart> {
    return this.run('carts.set_quantity', async () =>
      toCart(await this.write((p) => p.cartSet(cartKey(userId), productId, quantity, at.toISOString()))),
    );
  }

  removeItem(userId: string, productId: string, at: Date): Promise<StoredCart> {
    return this.run('carts.remove_item', async () =>
      toCart(await this.write((p) => p.cartRemove(cartKey(userId), productId, at.toISOString()))),
    );
  }

  clear(userId: string): Promise<void> {
    return this.run('carts.clear', async () => {
      await this.write((p) => p.del(cartKey(userId)));
    });
  }

  removeOrdered(userId: string, lines: readonly CartLine[], at: Date): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    const pairs = lines.flatMap((l) => [l.product_id, l.quantity]);
    return this.run('carts.remove_ordered', async () => {
      await this.write((p) => p.cartRemoveOrdered(cartKey(userId), at.toISOString(), ...pairs));
    });
  }

  /**
   * The change, then WAIT for every online replica (at most WAIT_MS), in one pipeline: when the
   * reply comes, the replicas that reads go to already have the change (read-your-writes), and a
   * failover to any of them keeps it.
   */
  private async write<T>(change: (pipeline: Scripted) => unknown): Promise<T> {
    const replicas = this.redis.replicaCount;
    const pipeline = this.redis.primary.pipeline() as unknown as Scripted & {
      exec(): Promise<Array<[Error | null, unknown]>>;
    };
    change(pipeline);
    if (replicas > 0) pipeline.wait(replicas, WAIT_MS);
    const results = await pipeline.exec();
    if (!results?.[0]) throw new Error('Connection is closed');
    const [error, value] = results[0];
    if (error) throw error;
    if (replicas > 0) {
      const acked = results[1]?.[1];
      if (typeof acked === 'number' && acked < replicas) this.metrics.redisWaitShort.inc();
      // Only the primary has it: a primary cut off from its replicas, whose writes vanish when
      // Sentinel promotes one of them. Refused, not acknowledged; every cart change is
      // idempotent, so the client's retry makes it again (ADR 8).
      if (acked === 0) throw new AppError('unavailable', NO_REPLICA, { retryAfterSeconds: 1 });
    }
    return value as T;
  }

  private async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.metrics.timeStore('redis', operation, work);
    } catch (error) {
      throw translateRedisError(error);
    }
  }
}
