import Router from '@koa/router';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { AppDeps, AppState } from '../context.ts';
import { authenticate, requireRole, viewerOf } from '../middleware.ts';
import { parseInput } from '../validate.ts';
import { INTAKE_ROLES, ticketScopeFilter } from '../../domain/access.ts';
import { EMERGENCY_LINE_KEYS, OPEN_STATUSES, REQUEST_TYPE_KEYS, STATUS_KEYS, URGENCY_KEYS, type IntakeInput } from '../../domain/ticket.ts';
import { TICKET_NUMBER_PATTERN } from '../../domain/ticket-number.ts';
import { ESCALATION_KEYS } from '../../domain/deadlines.ts';
import { queryTokens, searchTokens } from '../../domain/text.ts';
import { matchCandidates } from '../../domain/repeats.ts';
import { intake } from '../../services/intake.ts';
import { assertCanSee, auditCallerView, ticketView } from '../../services/ticket-view.ts';
import { afterCursorFilter, decodeCursor, encodeCursor } from '../../data/tickets.ts';
import { Ticket, type TicketDoc } from '../../data/models/index.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { ticketsCreated } from '../metrics.ts';

const text = (max: number) => z.string().trim().min(1, '不能为空 (required)').max(max, `最多 ${max} 字 (too long)`);
export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?\d[\d-]{2,19}$/, '电话号码格式不正确 (digits and dashes, 3-20 characters)');
export const pointSchema = z.strictObject({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) });

const outcomeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ticket') }),
  z.strictObject({ kind: z.literal('direct_answer'), answer: text(5000) }),
  z.strictObject({ kind: z.literal('emergency_transfer'), line: z.enum(EMERGENCY_LINE_KEYS), note: text(500).optional() }),
  z.strictObject({ kind: z.literal('merge'), parentId: z.string().regex(/^[0-9a-f]{24}$/, '应为 24 位工单 ID (ticket id)'), note: text(500).optional() }),
]);

/** An operator logging a call (or a message from another channel). */
const callSchema = z.strictObject({
  channel: z.enum(['phone', 'wechat', 'app']).default('phone'),
  caller: z.strictObject({ name: text(40).optional(), phone: phoneSchema }),
  type: z.enum(REQUEST_TYPE_KEYS),
  categoryCode: text(64).optional(),
  urgency: z.enum(URGENCY_KEYS).default('normal'),
  title: text(100).optional(),
  content: text(5000),
  address: text(200).optional(),
  areaCode: text(32).optional(),
  point: pointSchema.optional(),
  confidential: z.boolean().default(false),
  callId: text(64).optional(),
  outcome: outcomeSchema.default({ kind: 'ticket' }),
});

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\w-]{8,128}$/, 'Idempotency-Key 须为 8-128 位字母数字 (8-128 letters, digits, - or _)')
  .optional();

/** A comma-separated list of allowed values, e.g. status=new,manual. */
const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z.string().transform((s, ctx) => {
    const parts = s.split(',').filter(Boolean);
    const bad = parts.filter((p) => !(values as readonly string[]).includes(p));
    if (bad.length || parts.length === 0) {
      ctx.addIssue({ code: 'custom', message: `未知的取值 "${bad.join(',')}"，可选：${values.join(', ')} (unknown value)` });
      return z.NEVER;
    }
    return parts as T[];
  });

const duplicatesQuerySchema = z.strictObject({
  phone: phoneSchema.optional(),
  title: text(100).optional(),
  content: text(5000).optional(),
  address: text(200).optional(),
  areaCode: text(32).optional(),
  days: z.coerce.number().int().min(1).max(365).default(30),
});

const listQuerySchema = z.strictObject({
  status: csv(STATUS_KEYS).optional(),
  urgency: csv(URGENCY_KEYS).optional(),
  type: csv(REQUEST_TYPE_KEYS).optional(),
  unit: text(64).optional(),
  category: text(64).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  escalation: csv(ESCALATION_KEYS).optional(),
  q: text(100).optional(),
  phone: phoneSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function ticketRoutes(deps: AppDeps): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api/v1/tickets' });
  r.use(authenticate(deps));

  r.post('/', requireRole(INTAKE_ROLES), async (ctx) => {
    const key = parseInput(idempotencyKeySchema, ctx.get('idempotency-key') || undefined, 'Idempotency-Key');
    const input: IntakeInput = parseInput(callSchema, ctx.request.body);
    const viewer = viewerOf(ctx);
    const res = await intake({ routingQueue: deps.routingQueue, secret: deps.config.AUTH_SECRET }, input, viewer, key);
    if (res.created) ticketsCreated.inc({ channel: input.channel });
    ctx.status = res.created ? 201 : 200;
    if (!res.created) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = { ticket: ticketView(res.ticket, viewer, true) };
  });

  r.get('/', async (ctx) => {
    const viewer = viewerOf(ctx);
    const q = parseInput(listQuerySchema, ctx.query);
    const and: Record<string, unknown>[] = [ticketScopeFilter(viewer)];
    if (q.status) and.push({ status: { $in: q.status } });
    if (q.urgency) and.push({ urgency: { $in: q.urgency } });
    if (q.type) and.push({ type: { $in: q.type } });
    if (q.unit) and.push({ scopeUnitIds: q.unit });
    if (q.category) and.push({ 'category.code': q.category });
    if (q.overdue) and.push({ overdue: q.overdue === 'true' });
    if (q.escalation) {
      // 'none' also matches tickets without deadlines (not dispatched yet).
      const levels = q.escalation.filter((e) => e !== 'none');
      and.push(
        q.escalation.includes('none')
          ? { $or: [{ 'deadlines.escalation': { $in: [...levels, 'none'] } }, { 'deadlines.escalation': { $exists: false } }] }
          : { 'deadlines.escalation': { $in: levels } },
      );
    }
    if (q.phone) and.push({ 'caller.phone': q.phone });
    if (q.q) {
      const tokens = queryTokens(q.q);
      and.push(tokens.length ? { searchTokens: { $all: tokens } } : { number: q.q });
    }
    if (q.from || q.to) {
      and.push({ createdAt: { ...(q.from ? { $gte: new Date(q.from) } : {}), ...(q.to ? { $lt: new Date(q.to) } : {}) } });
    }
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      if (!c) throw new ValidationError([{ field: 'cursor', problem: '游标无效 (invalid cursor)' }]);
      and.push(afterCursorFilter(c));
    }
    const filter = and.filter((f) => Object.keys(f).length > 0);
    const rows = await Ticket.find(filter.length ? { $and: filter } : {}, { history: 0, searchTokens: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(q.limit + 1)
      .lean<TicketDoc[]>();
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    ctx.body = {
      items: page.map((t) => ticketView(t, viewer, false)),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
    };
  });

  // 并单 hints while an operator types: open tickets of the same caller, or similar text in the same area.
  r.get('/duplicates', requireRole(INTAKE_ROLES), async (ctx) => {
    const q = parseInput(duplicatesQuerySchema, ctx.query);
    const since = new Date(Date.now() - q.days * 24 * 3600_000);
    const open = { status: { $in: OPEN_STATUSES.filter((s) => s !== 'merged') }, createdAt: { $gte: since } };
    const tokens = searchTokens([q.title, q.content].filter(Boolean).join(' '));
    const fields = { number: 1, status: 1, content: 1, searchTokens: 1, createdAt: 1, caller: 1, location: 1 };
    // The caller's own open tickets, and the newest open tickets to compare the text with.
    const [mine, recent] = await Promise.all([
      q.phone ? Ticket.find({ ...open, 'caller.phone': q.phone }, fields).sort({ createdAt: -1 }).limit(50).lean<TicketDoc[]>() : [],
      tokens.length ? Ticket.find(open, fields).sort({ createdAt: -1 }).limit(500).lean<TicketDoc[]>() : [],
    ]);
    const candidates = [...new Map([...mine, ...recent].map((c) => [c._id.toHexString(), c])).values()];
    const matches = matchCandidates({ phone: q.phone ?? '', tokens, ...(q.areaCode ? { areaCode: q.areaCode } : {}), ...(q.address ? { address: q.address } : {}) }, candidates);
    const byId = new Map(candidates.map((c) => [c._id.toHexString(), c]));
    ctx.body = {
      items: matches.slice(0, 10).map((m) => ({ ...m, content: byId.get(m.ticketId)!.content, createdAt: byId.get(m.ticketId)!.createdAt })),
    };
  });

  r.get('/:ref', async (ctx) => {
    const viewer = viewerOf(ctx);
    const ref = ctx.params.ref!;
    const filter = Types.ObjectId.isValid(ref) && ref.length === 24 ? { _id: new Types.ObjectId(ref) } : TICKET_NUMBER_PATTERN.test(ref) ? { number: ref } : null;
    if (!filter) throw new ValidationError([{ field: 'ref', problem: '应为工单 ID 或工单编号 (ticket id or number)' }]);
    const t = await Ticket.findOne(filter, { searchTokens: 0 }).lean<TicketDoc>();
    if (!t) throw new NotFoundError('工单');
    assertCanSee(viewer, t);
    await auditCallerView(viewer, t, ctx.state.requestId);
    ctx.body = { ticket: ticketView(t, viewer, true) };
  });

  return r;
}
