import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { logger } from '../logger.ts';

/**
 * A value computed by one scan and shared by every viewer on every server
 * node: the manager board must not cost a scan per console (on FerretDB every
 * filter but `_id` scans the collection).
 *
 * - In a process, concurrent callers join one computation (single flight).
 * - Across nodes, the result is kept in Redis; a Redis lock (SET NX PX, with a
 *   token) lets one node compute while the others wait for its result.
 * - At most one computation starts per `minIntervalMs` (measured from the end
 *   of the previous one), so a burst of events costs one scan, and a scan
 *   slower than the interval never piles up behind itself. A slow scan also
 *   waits `SCAN_PAUSE_FACTOR` times its own duration: scans take at most a
 *   quarter of the store's time (on FerretDB the board's scan grows with the
 *   open tickets: 13 s at 10,000), staler snapshots rather than a starved store.
 * - `get(notBefore)` returns a value whose scan started at or after
 *   `notBefore` (the instant of the newest event the viewer saw, capped at
 *   now). Without an instant it answers at once from what it has and, when
 *   that is older than `maxAgeMs`, starts a new scan in the background
 *   (it waits only when it has nothing, or something older than 10 × maxAgeMs).
 * Without Redis (down, or not given) each node computes for itself.
 */
export interface Stamped<T> {
  value: T;
  /** When the scan started: it reflects every change written before this instant. */
  startedAt: number;
  finishedAt: number;
}

export interface SharedSnapshotOptions<T> {
  /** Redis key prefix, e.g. `<REDIS_PREFIX>:board`. */
  key: string;
  redis: Redis | null;
  minIntervalMs: number;
  maxAgeMs: number;
  compute: (startedAt: Date) => Promise<T>;
  /** Called after each computation (metrics). */
  onComputed?: (ms: number) => void;
  /** How long a waiting node polls for another node's result before computing itself. */
  waitMs?: number;
  /** After a computation, wait at least this many times its duration (default SCAN_PAUSE_FACTOR; 0 when the computation paces itself). */
  pauseFactor?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** After a scan, wait at least this many times its duration before the next. */
export const SCAN_PAUSE_FACTOR = 3;
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class SharedSnapshot<T> {
  private local: Stamped<T> | null = null;
  private inflight: Promise<Stamped<T>> | null = null;

  constructor(private readonly opts: SharedSnapshotOptions<T>) {}

  private get valueKey() {
    return `${this.opts.key}:value`;
  }
  private get lockKey() {
    return `${this.opts.key}:lock`;
  }

  async get(notBefore?: number): Promise<Stamped<T>> {
    const now = Date.now();
    if (notBefore === undefined && this.local && this.local.startedAt >= now - 10 * this.opts.maxAgeMs) {
      if (this.local.startedAt < now - this.opts.maxAgeMs && !this.inflight) {
        this.inflight = this.refresh(now - this.opts.maxAgeMs).finally(() => (this.inflight = null));
        this.inflight.catch((err: Error) => logger.warn({ err: err.message, key: this.opts.key }, 'shared snapshot: background refresh failed'));
      }
      return this.local;
    }
    const need = notBefore === undefined ? now - this.opts.maxAgeMs : Math.min(notBefore, now);
    for (let round = 0; ; round++) {
      if (this.local && this.local.startedAt >= need) return this.local;
      // Join the computation under way; if it started before what this caller needs, run the next one.
      this.inflight ??= this.refresh(need).finally(() => (this.inflight = null));
      const s = await this.inflight;
      if (s.startedAt >= need || round >= 2) return s;
    }
  }

  private async readShared(): Promise<Stamped<T> | null> {
    if (!this.opts.redis) return null;
    try {
      const raw = await this.opts.redis.get(this.valueKey);
      return raw ? (JSON.parse(raw) as Stamped<T>) : null;
    } catch (err) {
      logger.debug({ err: (err as Error).message, key: this.valueKey }, 'shared snapshot: Redis read failed');
      return null;
    }
  }

  private async refresh(need: number): Promise<Stamped<T>> {
    const redis = this.opts.redis;
    const waitUntil = Date.now() + (this.opts.waitMs ?? 30_000);
    for (;;) {
      const shared = await this.readShared();
      if (shared && (!this.local || shared.startedAt > this.local.startedAt)) this.local = shared;
      if (this.local && this.local.startedAt >= need) return this.local;
      // Rate limit: the next scan starts minIntervalMs after the last one ended, or later after a slow one.
      const last = this.local ? this.local.finishedAt - this.local.startedAt : 0;
      const pause = (this.local?.finishedAt ?? 0) + Math.max(this.opts.minIntervalMs, (this.opts.pauseFactor ?? SCAN_PAUSE_FACTOR) * last) - Date.now();
      if (pause > 0) {
        await sleep(pause);
        continue;
      }
      if (!redis) return this.computeAndStore(null);
      const token = randomUUID();
      let locked: boolean;
      try {
        locked = (await redis.set(this.lockKey, token, 'PX', Math.max(60_000, this.opts.maxAgeMs * 2), 'NX')) === 'OK';
      } catch {
        return this.computeAndStore(null);
      }
      if (locked) return this.computeAndStore(token);
      // Another node is computing: wait for its result (or for its lock to go).
      if (Date.now() > waitUntil) return this.computeAndStore(null);
      await sleep(100);
    }
  }

  private async computeAndStore(token: string | null): Promise<Stamped<T>> {
    const redis = this.opts.redis;
    try {
      const startedAt = Date.now();
      const value = await this.opts.compute(new Date(startedAt));
      const s: Stamped<T> = { value, startedAt, finishedAt: Date.now() };
      this.opts.onComputed?.(s.finishedAt - startedAt);
      if (!this.local || s.startedAt > this.local.startedAt) this.local = s;
      if (redis) {
        await redis
          .set(this.valueKey, JSON.stringify(s), 'PX', Math.max(this.opts.maxAgeMs * 10, 60_000))
          .catch((err: Error) => logger.debug({ err: err.message }, 'shared snapshot: Redis write failed'));
      }
      return s;
    } finally {
      if (redis && token) await redis.eval(RELEASE, 1, this.lockKey, token).catch(() => undefined);
    }
  }

  /** Forget the local copy (tests). */
  reset(): void {
    this.local = null;
  }
}
