import { Redis, type RedisOptions } from 'ioredis';
import { logger } from './logger.ts';

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
  const client =
    role === 'producer'
      ? new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2000 })
      : new Redis(url, { ...common, maxRetriesPerRequest: null });
  // Outages are reported by /health and retried forever; one log line per outage, not per retry.
  let down = false;
  client.on('error', (err) => {
    if (!down) logger.warn({ role, err: err.message }, 'redis connection lost');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info({ role }, 'redis connection back');
    down = false;
  });
  return client;
}

export async function pingRedis(r: Redis): Promise<number> {
  const t = performance.now();
  await r.ping();
  return performance.now() - t;
}
