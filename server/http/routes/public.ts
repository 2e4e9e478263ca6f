import Router from '@koa/router';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AppDeps, AppState } from '../context.ts';
import { clientKey } from '../middleware.ts';
import { consume } from '../rate-limit.ts';
import { parseInput } from '../validate.ts';
import { REQUEST_TYPE_KEYS, STATUSES, type IntakeInput, type TicketStatus } from '../../domain/ticket.ts';
import { TICKET_NUMBER_PATTERN } from '../../domain/ticket-number.ts';
import { intake, publicQueryCode } from '../../services/intake.ts';
import { Ticket } from '../../data/models/index.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { idempotencyKeySchema, phoneSchema, pointSchema } from './tickets.ts';
import { ticketsCreated } from '../metrics.ts';

const text = (max: number) => z.string().trim().min(1, '不能为空 (required)').max(max, `最多 ${max} 字 (too long)`);

/** What a citizen can fill in on the web form (no login). */
const messageSchema = z.strictObject({
  name: text(40).optional(),
  phone: phoneSchema,
  type: z.enum(REQUEST_TYPE_KEYS).default('other'),
  title: text(100).optional(),
  content: text(5000),
  address: text(200).optional(),
  areaCode: text(32).optional(),
  point: pointSchema.optional(),
  confidential: z.boolean().default(false),
});

const lookupSchema = z
  .strictObject({
    phoneLast4: z.string().regex(/^\d{4}$/, '应为手机号后 4 位数字 (4 digits)').optional(),
    code: z.string().regex(/^[A-Z0-9]{8}$/, '查询码为 8 位字母数字 (8 characters)').optional(),
  })
  .refine((v) => v.phoneLast4 || v.code, { message: '需提供手机号后 4 位或查询码 (phoneLast4 or code required)', path: ['phoneLast4'] });

/** Public endpoints: web messages and progress lookup, rate-limited per client. */
export function publicRoutes(deps: AppDeps): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api/v1/public' });

  r.post('/messages', async (ctx) => {
    await consume(deps.limits.publicMessage, clientKey(ctx));
    const key = parseInput(idempotencyKeySchema, ctx.get('idempotency-key') || undefined, 'Idempotency-Key');
    const m = parseInput(messageSchema, ctx.request.body);
    const input: IntakeInput = {
      channel: 'web',
      caller: { phone: m.phone, ...(m.name ? { name: m.name } : {}) },
      type: m.type,
      urgency: 'normal',
      content: m.content,
      confidential: m.confidential,
      outcome: { kind: 'ticket' },
      ...(m.title ? { title: m.title } : {}),
      ...(m.address ? { address: m.address } : {}),
      ...(m.areaCode ? { areaCode: m.areaCode } : {}),
      ...(m.point ? { point: m.point } : {}),
    };
    const res = await intake({ routingQueue: deps.routingQueue, secret: deps.config.AUTH_SECRET }, input, null, key);
    if (res.created) ticketsCreated.inc({ channel: 'web' });
    ctx.status = res.created ? 201 : 200;
    ctx.body = {
      number: res.ticket.number,
      queryCode: res.queryCode,
      message: `您的诉求已受理，工单编号 ${res.ticket.number}，可凭编号与查询码或手机号后 4 位查询办理进度。`,
    };
  });

  r.get('/tickets/:number', async (ctx) => {
    await consume(deps.limits.publicLookup, clientKey(ctx));
    const number = ctx.params.number!;
    if (!TICKET_NUMBER_PATTERN.test(number)) throw new ValidationError([{ field: 'number', problem: '工单编号格式不正确 (ticket number like 20261122-000123)' }]);
    const q = parseInput(lookupSchema, ctx.query);
    const t = await Ticket.findOne({ number }, { history: 1, status: 1, number: 1, caller: 1, createdAt: 1, closure: 1, type: 1, mergedInto: 1 }).lean();
    // The same 404 for a wrong number and a wrong secret: nothing tells which part was wrong.
    const notFound = new NotFoundError('工单或验证信息');
    if (!t) throw notFound;
    const ok = q.code
      ? safeEqual(q.code, publicQueryCode(deps.config.AUTH_SECRET, t._id.toHexString()))
      : safeEqual(q.phoneLast4 ?? '', t.caller.phoneLast4);
    if (!ok) throw notFound;
    // A merged request follows the ticket it joined: every caller sees the same progress and reply.
    const parent = t.mergedInto ? await Ticket.findById(t.mergedInto, { history: 1, status: 1, number: 1, closure: 1 }).lean() : null;
    const shown = parent ?? t;
    const progress = (h: (typeof t.history)[number]) => ({ at: h.at, type: h.type, ...(h.public || h.type === 'direct_answered' ? { text: h.note ?? null } : {}) });
    const isPublic = (h: (typeof t.history)[number]) => h.public || ['created', 'dispatched', 'closed', 'direct_answered'].includes(h.type);
    ctx.body = {
      number: t.number,
      ...(parent ? { mergedInto: parent.number } : {}),
      status: shown.status,
      statusLabel: STATUSES[shown.status as TicketStatus],
      createdAt: t.createdAt,
      closedAt: shown.closure?.at ?? null,
      // Only events marked public (the approved reply, the closure) and the bare milestones.
      progress: [...t.history.filter(isPublic).map(progress), ...(parent ? parent.history.filter(isPublic).filter((h) => h.type !== 'created').map(progress) : [])],
    };
  });

  return r;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
