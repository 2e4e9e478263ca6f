import { createHash, createHmac } from 'node:crypto';
import { Types } from 'mongoose';
import type { Queue } from 'bullmq';
import { ConflictError } from '../errors.ts';
import { logger } from '../logger.ts';
import { initialState, type Actor, type HistoryEvent, type IntakeInput } from '../domain/ticket.ts';
import { decide } from '../domain/workflow.ts';
import { shanghaiDay } from '../domain/ticket-number.ts';
import { phoneLast4 } from '../domain/privacy.ts';
import { searchTokens } from '../domain/text.ts';
import { insertTicket } from '../data/tickets.ts';
import { Ticket, type TicketDoc } from '../data/models/index.ts';
import { activeCategoryPath } from './categories.ts';
import { enqueueRouting } from '../queue/queues.ts';
import { ValidationError } from '../errors.ts';

export interface IntakeDeps {
  routingQueue: Queue;
  /** Signs public query codes. */
  secret: string;
  now?: () => Date;
}

export interface IntakeResult {
  created: boolean;
  ticket: TicketDoc;
  /** Public query code (web messages only). */
  queryCode?: string;
}

/**
 * Record a call or web message as a ticket. The ticket is durable in MongoDB
 * before this returns; the routing job is enqueued afterwards, and if Redis is
 * down the reconcile job enqueues it later (workers/reconcile.ts).
 */
export async function intake(
  deps: IntakeDeps,
  input: IntakeInput,
  by: Actor | null,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const now = deps.now?.() ?? new Date();
  const fingerprint = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
  const scope = by ? `u:${by.id}` : 'web';
  const id = new Types.ObjectId();
  const category = input.categoryCode ? await resolveCategory(input.categoryCode) : undefined;
  const state = initialState(input, by, now);
  // 并单 at intake: merged before it is stored, so the routing worker never races the operator for it.
  const merge = input.outcome.kind === 'merge' ? await mergeAtIntake(input.outcome, state, by, now) : null;
  const day = shanghaiDay(now);

  const doc: Omit<TicketDoc, 'number'> = {
    _id: id,
    day,
    channel: input.channel,
    caller: {
      ...(input.caller.name ? { name: input.caller.name } : {}),
      phone: input.caller.phone,
      phoneLast4: phoneLast4(input.caller.phone),
    },
    type: input.type,
    ...(category ? { category } : {}),
    urgency: input.urgency,
    ...(input.title ? { title: input.title } : {}),
    content: input.content,
    location: {
      ...(input.address ? { address: input.address } : {}),
      ...(input.areaCode ? { areaCode: input.areaCode } : {}),
      ...(input.point ? { point: input.point } : {}),
    },
    confidential: input.confidential,
    ...(input.callId ? { callId: input.callId } : {}),
    status: merge ? 'merged' : state.status,
    owner: merge?.owner ?? state.owner,
    ...(merge ? { mergedInto: merge.mergedInto } : {}),
    coUnits: [],
    scopeUnitIds: [],
    overdue: false,
    ...(state.emergency ? { emergency: state.emergency } : {}),
    ...(state.closure ? { closure: state.closure } : {}),
    intakeKey: idempotencyKey ? `${scope}:${idempotencyKey}` : `auto:${id.toHexString()}`,
    intakeFingerprint: fingerprint,
    ...(by ? { createdBy: { id: by.id, name: by.name, role: by.role } } : {}),
    searchTokens: searchTokens([input.title, input.content, input.address].filter(Boolean).join(' ')),
    version: 1,
    history: merge ? [...state.history, ...merge.events] : state.history,
    createdAt: now,
    updatedAt: now,
  };

  const { created, ticket } = await insertTicket(doc);
  if (!created && ticket.intakeFingerprint !== fingerprint) {
    throw new ConflictError(
      'idempotency_key_reused',
      'Idempotency-Key 已用于另一份内容不同的请求 (Idempotency-Key was used for a different request)',
    );
  }
  if (created && ticket.status === 'new') {
    try {
      await enqueueRouting(deps.routingQueue, id.toHexString(), ticket);
    } catch (err) {
      // Redis is down: the ticket is safe in MongoDB and the reconcile job will enqueue it.
      logger.warn({ err: (err as Error).message, ticket: ticket.number }, 'routing enqueue deferred to reconcile');
    }
  }
  return {
    created,
    ticket,
    ...(by ? {} : { queryCode: publicQueryCode(deps.secret, ticket._id.toHexString()) }),
  };
}

/**
 * The citizen's query code: derived from the ticket id with the server secret,
 * so nothing secret is stored and a retried submission gets the same code.
 */
export function publicQueryCode(secret: string, ticketId: string): string {
  const mac = createHmac('sha256', secret).update(`query:${ticketId}`).digest();
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(mac.subarray(0, 8), (b) => alphabet[b % alphabet.length]).join('');
}

/** The workflow's merge command on the new ticket; the parent must exist and be open (decide checks the status). */
async function mergeAtIntake(
  outcome: { parentId: string; note?: string },
  state: ReturnType<typeof initialState>,
  by: Actor | null,
  at: Date,
): Promise<{ mergedInto: Types.ObjectId; owner: TicketDoc['owner']; events: HistoryEvent[] }> {
  if (!by) throw new ValidationError([{ field: 'outcome.kind', problem: '网上留言不能并单 (staff only)' }]);
  const parent = await Ticket.findById(outcome.parentId, { number: 1, status: 1 }).lean();
  if (!parent) throw new ValidationError([{ field: 'outcome.parentId', problem: '要并入的工单不存在 (unknown ticket)' }]);
  const change = decide(
    { status: state.status },
    { kind: 'merge', parent: { id: parent._id.toHexString(), number: parent.number, status: parent.status }, ...(outcome.note ? { note: outcome.note } : {}) },
    by,
    at,
  );
  return {
    mergedInto: parent._id,
    owner: change.set.owner as TicketDoc['owner'],
    events: change.events.map((e, i) => ({ ...e, seq: state.history.length + i + 1 })),
  };
}

async function resolveCategory(code: string): Promise<{ code: string; path: string[] }> {
  const path = await activeCategoryPath(code);
  if (!path) throw new ValidationError([{ field: 'categoryCode', problem: `未知或已停用的分类 ${code} (unknown category)` }]);
  return { code, path };
}

