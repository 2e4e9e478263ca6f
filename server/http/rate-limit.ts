import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { RateLimitedError } from '../errors.ts';

/**
 * Rate limits shared by all server nodes through Redis; while Redis is down each
 * node falls back to an in-memory limiter (insurance) so limits still hold.
 */
export interface RateLimits {
  publicMessage: RateLimiterAbstract;
  publicLookup: RateLimiterAbstract;
  loginFailure: RateLimiterAbstract;
}

function limiter(redis: Redis, prefix: string, keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:rl:${keyPrefix}`,
    points,
    duration,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
  });
}

export function createRateLimits(redis: Redis, config: Config): RateLimits {
  return {
    publicMessage: limiter(redis, config.REDIS_PREFIX, 'pubmsg', config.PUBLIC_RATE_PER_HOUR, 3600),
    // Progress lookup is guarded harder: ticket number + last 4 digits must not be brute-forced.
    publicLookup: limiter(redis, config.REDIS_PREFIX, 'publookup', 30, 3600),
    loginFailure: limiter(redis, config.REDIS_PREFIX, 'login', config.LOGIN_ATTEMPTS_PER_15MIN, 15 * 60),
  };
}

/** Consume one point or throw 429 with Retry-After. */
export async function consume(l: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await l.consume(key);
  } catch (res) {
    if (res instanceof RateLimiterRes) throw new RateLimitedError(Math.ceil(res.msBeforeNext / 1000));
    throw res;
  }
}

/** Refuse early while a key is blocked, without consuming. */
export async function assertNotLimited(l: RateLimiterAbstract, key: string): Promise<void> {
  const res = await l.get(key);
  if (res && res.remainingPoints <= 0) throw new RateLimitedError(Math.ceil(res.msBeforeNext / 1000));
}
