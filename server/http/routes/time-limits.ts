import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps, AppState } from '../context.ts';
import { authenticate, requireRole, viewerOf } from '../middleware.ts';
import { parseInput } from '../validate.ts';
import { REQUEST_TYPE_KEYS, URGENCY_KEYS } from '../../domain/ticket.ts';
import { MILESTONES } from '../../domain/time-limits.ts';
import { assertCanSee, ticketView } from '../../services/ticket-view.ts';
import { configureTimeLimits, decideExtension, requestExtension } from '../../services/deadlines.ts';
import {
  calendarStatus,
  confirmCalendarYear,
  currentPolicyTable,
  policyVersions,
  removeCalendarOverride,
  setCalendarOverride,
  timeLimitAuditLog,
  updatePolicyTable,
} from '../../services/time-limit-config.ts';
import { Notice, Ticket } from '../../data/models/index.ts';
import { NotFoundError } from '../../errors.ts';

/**
 * Time limits (issue 4): extensions on tickets, and the admin API for the
 * policy table and the calendar overrides.
 *
 *   POST /api/v1/tickets/:id/extension           {version, workingDays, reason}   handler of the lead unit
 *   POST /api/v1/tickets/:id/extension/decision  {version, approve, note?}        manager of the center
 *   GET  /api/v1/time-limits/policies                                              admin
 *   PUT  /api/v1/time-limits/policies            {version, rules, settings, note?} admin
 *   GET  /api/v1/time-limits/policies/versions                                     admin
 *   GET  /api/v1/time-limits/calendar?year=                                        admin
 *   PUT  /api/v1/time-limits/calendar/overrides/:date {kind, note?}               admin
 *   DELETE /api/v1/time-limits/calendar/overrides/:date                            admin
 *   POST /api/v1/time-limits/calendar/years/:year/confirm {note?}                  admin
 *   GET  /api/v1/time-limits/audit                                                 admin
 *   GET  /api/v1/notices?unread=true&limit=      POST /api/v1/notices/:id/read     the recipient
 */
const text = (max: number) => z.string().trim().min(1, '不能为空 (required)').max(max, `最多 ${max} 字 (too long)`);
const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/, '应为 24 位工单 ID (ticket id)');
const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD (date)').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}, '日期不存在 (no such date)');

const extensionRequestSchema = z.strictObject({
  version: z.number().int().min(1),
  workingDays: z.number().int('应为整数个工作日 (whole working days)').min(1, '至少 1 个工作日 (at least 1)').max(60, '最多 60 个工作日 (at most 60)'),
  reason: text(1000),
});
const extensionDecisionSchema = z.strictObject({
  version: z.number().int().min(1),
  approve: z.boolean(),
  note: text(1000).optional(),
});

const limitSchema = z.strictObject({
  unit: z.enum(['clockHours', 'workingHours', 'workingDays']),
  amount: z.number().positive('应为正数 (positive)').max(24 * 365, '过大 (too large)'),
});
const limitsSchema = z.strictObject({ accept: limitSchema.optional(), contact: limitSchema.optional(), resolve: limitSchema.optional() });
const ruleSchema = z.strictObject({
  type: z.enum([...REQUEST_TYPE_KEYS, '*']),
  urgency: z.enum([...URGENCY_KEYS, 'complex']),
  categoryCode: text(64).optional(),
  committed: limitsSchema,
  statutory: limitsSchema,
  warnAt: z.number().gt(0).lt(1).optional(),
});
const settingsSchema = z.strictObject({
  countStartDay: z.boolean(),
  warnAt: z.number().gt(0, '应在 0 与 1 之间 (between 0 and 1)').lt(1, '应在 0 与 1 之间 (between 0 and 1)'),
  reminderNoticeAfterWorkingDays: z.number().int().min(1).max(30),
  supervisionAfterWorkingDays: z.number().int().min(1).max(60),
  ladderMilestones: z.array(z.enum(MILESTONES as ['accept', 'contact', 'resolve'])).max(3),
  maxExtensionWorkingDays: z.number().int().min(1).max(60).optional(),
});
const policyUpdateSchema = z.strictObject({
  version: z.number().int().min(0),
  rules: z.array(ruleSchema).min(1).max(2000),
  settings: settingsSchema,
  note: text(500).optional(),
});
const overrideSchema = z.strictObject({ kind: z.enum(['workday', 'holiday']), note: text(200).optional() });
const yearSchema = z.coerce.number().int().min(2000).max(2099);
const noticesQuerySchema = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function timeLimitRoutes(deps: AppDeps): Router<AppState> {
  // This process schedules timers and delivers notices through these queues.
  configureTimeLimits({ redis: deps.redis, config: deps.config });
  const r = new Router<AppState>({ prefix: '/api/v1' });
  const admin = requireRole(['admin']);

  r.post('/tickets/:id/extension', authenticate(deps), async (ctx) => {
    const id = parseInput(objectIdSchema, ctx.params.id, 'id');
    const body = parseInput(extensionRequestSchema, ctx.request.body);
    const viewer = viewerOf(ctx);
    await assertVisible(id, viewer);
    const t = await requestExtension(id, body, viewer);
    ctx.status = 201;
    ctx.body = { ticket: ticketView(t, viewer, true) };
  });

  r.post('/tickets/:id/extension/decision', authenticate(deps), async (ctx) => {
    const id = parseInput(objectIdSchema, ctx.params.id, 'id');
    const body = parseInput(extensionDecisionSchema, ctx.request.body);
    const viewer = viewerOf(ctx);
    await assertVisible(id, viewer);
    const t = await decideExtension(id, body, viewer);
    ctx.body = { ticket: ticketView(t, viewer, true) };
  });

  r.get('/time-limits/policies', authenticate(deps), admin, async (ctx) => {
    ctx.body = { policy: await currentPolicyTable() };
  });

  r.put('/time-limits/policies', authenticate(deps), admin, async (ctx) => {
    const body = parseInput(policyUpdateSchema, ctx.request.body);
    const table = await updatePolicyTable(body.version, body.rules, body.settings, body.note, viewerOf(ctx));
    ctx.body = { policy: table };
  });

  r.get('/time-limits/policies/versions', authenticate(deps), admin, async (ctx) => {
    ctx.body = { items: await policyVersions() };
  });

  r.get('/time-limits/calendar', authenticate(deps), admin, async (ctx) => {
    const q = parseInput(z.strictObject({ year: yearSchema.optional() }), ctx.query);
    ctx.body = await calendarStatus(q.year ?? new Date().getFullYear());
  });

  r.put('/time-limits/calendar/overrides/:date', authenticate(deps), admin, async (ctx) => {
    const date = parseInput(dateSchema, ctx.params.date, 'date');
    const body = parseInput(overrideSchema, ctx.request.body);
    ctx.body = { override: await setCalendarOverride(date, body.kind, body.note, viewerOf(ctx)) };
  });

  r.delete('/time-limits/calendar/overrides/:date', authenticate(deps), admin, async (ctx) => {
    const date = parseInput(dateSchema, ctx.params.date, 'date');
    if (!(await removeCalendarOverride(date, viewerOf(ctx)))) throw new NotFoundError('日历调整');
    ctx.status = 204;
  });

  r.post('/time-limits/calendar/years/:year/confirm', authenticate(deps), admin, async (ctx) => {
    const year = parseInput(yearSchema, ctx.params.year, 'year');
    const body = parseInput(z.strictObject({ note: text(200).optional() }), ctx.request.body ?? {});
    await confirmCalendarYear(year, body.note, viewerOf(ctx));
    ctx.body = await calendarStatus(year);
  });

  r.get('/time-limits/audit', authenticate(deps), admin, async (ctx) => {
    ctx.body = { items: await timeLimitAuditLog() };
  });

  r.get('/notices', authenticate(deps), async (ctx) => {
    const q = parseInput(noticesQuerySchema, ctx.query);
    const filter: Record<string, unknown> = { userId: viewerOf(ctx).id };
    if (q.unread) filter.read = q.unread === 'false';
    const items = await Notice.find(filter).sort({ at: -1 }).limit(q.limit).lean();
    ctx.body = { items: items.map((n) => ({ ...n, id: n._id, _id: undefined, ticketId: n.ticketId.toHexString() })) };
  });

  r.post('/notices/:id/read', authenticate(deps), async (ctx) => {
    const id = parseInput(z.string().min(1).max(200), ctx.params.id, 'id');
    const res = await Notice.updateOne({ _id: id, userId: viewerOf(ctx).id }, { $set: { read: true } });
    if (!res.matchedCount) throw new NotFoundError('通知');
    ctx.status = 204;
  });

  return r;
}

async function assertVisible(id: string, viewer: ReturnType<typeof viewerOf>) {
  const t = await Ticket.findById(id, { scopeUnitIds: 1 }).lean();
  if (!t) throw new NotFoundError('工单');
  assertCanSee(viewer, t);
}
