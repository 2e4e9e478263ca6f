import { Redis, type RedisOptions } from 'ioredis';

/**
 * Redis connections. Producers on the request path fail fast when Redis is
 * down (no offline queue) so intake never waits on it; workers block and
 * retry forever (maxRetriesPerRequest: null, as BullMQ requires).
 */
export type RedisRole = 'producer' | 'worker' | 'subscriber';

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const common: RedisOptions = {
    lazyConnect: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    ...extra,
  };
  if (role === 'producer') {
    return new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2000 });
  }
  return new Redis(url, { ...common, maxRetriesPerRequest: null });
}

export async function pingRedis(r: Redis): Promise<number> {
  const t = performance.now();
  await r.ping();
  return performance.now() - t;
}
