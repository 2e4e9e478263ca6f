import Router from '@koa/router';
import client from 'prom-client';
import { z } from 'zod';
import type { AppDeps, AppState } from '../context.ts';
import { authenticate, requireRole, viewerOf } from '../middleware.ts';
import { parseInput } from '../validate.ts';
import { registry } from '../metrics.ts';
import { BOARD_LISTS, BoardService } from '../../services/board.ts';

/**
 * The manager board (值班长看板) and the on-time rates, for managers (the
 * center's see everything, a unit's manager its unit and sub-units) and admins:
 *
 *   GET /api/v1/board?after=<ISO instant>&lists=overdue,extensions,arbitration
 *                                           counts by stage, unit and ladder level; the lists asked for
 *   GET /api/v1/board/rates                 及时签收率 / 按期办结率 by unit: today, this week, this month
 *
 * `after`: the instant of the newest ticket event the console saw, or `now`
 * (opening a page, reconnecting); the answer includes every change up to it.
 * Without it the answer is whatever the last scan found (at once). Both come from snapshots shared by all
 * viewers (services/board.ts), never a scan per request.
 */
export const BOARD_ROLES = ['manager', 'admin'] as const;

const computations = new client.Histogram({
  name: 'board_computation_seconds',
  help: 'Shared manager board and rate snapshots: one scan each, however many viewers',
  labelNames: ['what'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

const boardQuerySchema = z.strictObject({
  after: z
    .union([z.literal('now'), z.iso.datetime({ offset: true })], { error: '应为 ISO 时间（如 2025-03-04T10:00:00+08:00）或 now (ISO instant or now)' })
    .optional(),
  lists: z
    .string()
    .transform((s, ctx) => {
      const parts = s.split(',').filter(Boolean);
      const bad = parts.filter((p) => !(BOARD_LISTS as readonly string[]).includes(p));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `未知的列表 "${bad.join(',')}"，可选：${BOARD_LISTS.join(', ')} (unknown list)` });
      return parts as (typeof BOARD_LISTS)[number][];
    })
    .optional(),
});

export function boardRoutes(deps: AppDeps, opts: { boardIntervalMs?: number; ratesIntervalMs?: number } = {}): Router<AppState> {
  const service = new BoardService({
    redis: deps.redis,
    prefix: deps.config.REDIS_PREFIX,
    ...opts,
    onComputed: (what, ms) => computations.observe({ what }, ms / 1000),
  });
  const r = new Router<AppState>({ prefix: '/api/v1/board' });
  r.use(authenticate(deps), requireRole(BOARD_ROLES));

  r.get('/', async (ctx) => {
    const q = parseInput(boardQuerySchema, ctx.query);
    ctx.type = 'application/json';
    const after = q.after === 'now' ? Date.now() : q.after ? Date.parse(q.after) : undefined;
    ctx.body = await service.boardJson(viewerOf(ctx), after, q.lists ?? []);
  });

  r.get('/rates', async (ctx) => {
    parseInput(z.strictObject({}), ctx.query);
    ctx.body = await service.ratesFor(viewerOf(ctx));
  });

  return r;
}
