import Router from '@koa/router';
import type { AppDeps, AppState } from '../context.ts';
import { pingMongo } from '../../data/db.ts';
import { pingRedis } from '../../redis.ts';
import { registry } from '../metrics.ts';

/** Health (each store) and Prometheus metrics. */
export function systemRoutes(deps: AppDeps): Router<AppState> {
  const r = new Router<AppState>();

  r.get('/health', async (ctx) => {
    const [mongo, redis] = await Promise.all([probe(() => pingMongo()), probe(() => pingRedis(deps.redis))]);
    // Intake works without Redis (tickets are reconciled later), so Redis down is "degraded", not down.
    const status = !mongo.ok ? 'down' : !redis.ok ? 'degraded' : 'ok';
    ctx.status = mongo.ok ? 200 : 503;
    ctx.body = { status, stores: { mongodb: mongo, redis } };
  });

  r.get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });

  return r;
}

async function probe(fn: () => Promise<number>): Promise<{ ok: boolean; latencyMs?: number; error?: string }> {
  try {
    const ms = await Promise.race([
      fn(),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout after 2000 ms')), 2000).unref()),
    ]);
    return { ok: true, latencyMs: Math.round(ms * 10) / 10 };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
