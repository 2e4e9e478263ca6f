import type { Redis } from 'ioredis';
import { logger } from '../logger.ts';

/**
 * Which tickets changed lately: a Redis sorted set (ticket id → instant of its
 * last change), written next to every console event. A reader that keeps its
 * own copy of the open tickets (the manager board) re-reads only these instead
 * of scanning every open ticket (on FerretDB ~1.3 ms each). The set keeps the
 * last CHANGE_LOG_KEEP_MS; a reader asking about an earlier instant, or after
 * Redis lost the set, is told the log does not reach back (null) and scans.
 */
export const CHANGE_LOG_KEEP_MS = 10 * 60_000;
const TRIM_EVERY_MS = 60_000;

export const changeLogKey = (redisPrefix: string) => `${redisPrefix}:tickets:changed`;
/** The instant from which the log is complete (absent: nothing is known). */
const completeFromKey = (key: string) => `${key}:from`;

const lastTrim = new Map<string, number>();

/** Record a change (best effort: a lost entry is healed by the reader's periodic full scan). */
export function recordChange(redis: Redis, redisPrefix: string, ticketId: string, at = Date.now()): void {
  const key = changeLogKey(redisPrefix);
  const fail = (err: Error) => logger.debug({ err: err.message }, 'change log write failed (Redis down?)');
  // The order matters to a reader: the log claims completeness only from when it began receiving entries.
  redis.set(completeFromKey(key), String(at), 'NX').catch(fail);
  redis.zadd(key, at, ticketId).catch(fail);
  if (at - (lastTrim.get(key) ?? 0) >= TRIM_EVERY_MS) {
    lastTrim.set(key, at);
    const keepFrom = at - CHANGE_LOG_KEEP_MS;
    // Raise the completeness mark before dropping entries, never after.
    redis
      .eval("local f = tonumber(redis.call('get', KEYS[2]) or '0') if f < tonumber(ARGV[1]) then redis.call('set', KEYS[2], ARGV[1]) end return redis.call('zremrangebyscore', KEYS[1], '-inf', '(' .. ARGV[1])", 2, key, completeFromKey(key), String(keepFrom))
      .catch(fail);
  }
}

/** Ids of the tickets changed at or after `since`, or null when the log may be missing some of them. */
export async function changedSince(redis: Redis, redisPrefix: string, since: number): Promise<string[] | null> {
  const key = changeLogKey(redisPrefix);
  try {
    const [from, ids] = await Promise.all([redis.get(completeFromKey(key)), redis.zrangebyscore(key, since, '+inf')]);
    if (from === null || Number(from) > since) return null;
    return ids;
  } catch (err) {
    logger.debug({ err: (err as Error).message }, 'change log read failed');
    return null;
  }
}
