import type { Job } from 'bullmq';
import { Types } from 'mongoose';
import { Ticket, UnresolvedByPhone, type TicketDoc, type UnresolvedItem } from '../server/data/models/index.ts';
import { EXPLAIN_FROM_REPEAT, SAME_MATTER_AT, SUPERVISION_FROM_REPEAT, similarity } from '../server/domain/repeats.ts';
import { applyTicketChange, MAX_READ_AGE_MS } from '../server/data/tickets.ts';
import { byIdReader } from '../server/data/batch-read.ts';
import { routingSnapshot, type RoutingJob } from '../server/queue/queues.ts';
import { ConflictError, NotFoundError } from '../server/errors.ts';
import { route, type RoutingDecision } from '../server/domain/routing/route.ts';
import { loadCatalogue } from '../server/services/catalogue.ts';
import { currentClassifier } from '../server/services/classifier.ts';
import { applyCommand } from '../server/services/workflow.ts';
import type { Actor, HistoryEvent, RoutingSummary } from '../server/domain/ticket.ts';
import { logger } from '../server/logger.ts';

/** The routing worker acts under the dispatcher's rules, and is named as itself in the history. */
const ROUTER: Actor = { id: 'routing', name: '智能派单', role: 'dispatcher', unitId: 'center' };
const ROUTER_EVENT_ACTOR: HistoryEvent['actor'] = { id: null, name: '智能派单', role: 'system' };

// Concurrent jobs read their tickets and callers' memories in shared batches.
const readTicket = byIdReader<TicketDoc>(Ticket as never);
const readUnresolved = byIdReader<{ _id: string; items: UnresolvedItem[] }>(UnresolvedByPhone as never);

/**
 * Routing processor: decide lead and co-handling units from the dispatch
 * catalogue (and the classifier when the ticket has no category), then
 * dispatch or park the ticket for a dispatcher with the reasons recorded.
 * Idempotent: a ticket no longer `new` is left alone, and the version claim
 * means a retried or duplicated job can never dispatch twice.
 */
export async function routingProcessor(job: Job<RoutingJob>): Promise<string> {
  try {
    return await routeTicket(job);
  } catch (err) {
    // 件件有着落: on its last attempt a ticket that cannot be routed goes to the dispatchers, never nowhere.
    if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw err;
    logger.error({ ticketId: job.data.ticketId, err: (err as Error).message }, 'routing failed; parking the ticket');
    const t = await Ticket.findById(job.data.ticketId, { status: 1, version: 1, history: 1 }).lean<TicketDoc>();
    if (!t || t.status !== 'new') throw err;
    await applyTicketChange(t._id, { version: t.version, historyLength: t.history.length }, {
      set: { status: 'manual' },
      events: [{ at: new Date(), type: 'routing_parked', actor: ROUTER_EVENT_ACTOR, note: '自动派单出错，转人工派单', data: { error: (err as Error).message } }],
    });
    return 'parked-after-error';
  }
}

async function routeTicket(job: Job<RoutingJob>): Promise<string> {
  // An old job's copy is not used: claims of applied changes are dropped after a while (data/tickets.ts).
  const created = Date.now() - job.timestamp < MAX_READ_AGE_MS ? routingSnapshot(job.data) : null;
  if (created) {
    try {
      return await routeFrom(created);
    } catch (err) {
      // Changed (merged, dispatched by hand …) or gone since intake: decide again on the ticket as it is now.
      if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
    }
  }
  return routeFrom(await readTicket(new Types.ObjectId(job.data.ticketId)), job.data.ticketId);
}

async function routeFrom(t: TicketDoc | null, ticketId?: string): Promise<string> {
  if (!t) {
    logger.warn({ ticketId }, 'routing: ticket not found');
    return 'missing';
  }
  if (t.status !== 'new') return 'already-routed';
  // The caller's unresolved matters are read while the request is classified and routed.
  const repeatOf = findRepeat(t);
  repeatOf.catch(() => undefined); // awaited below; a failure there fails the job
  const [catalogue, classifier] = await Promise.all([loadCatalogue(), t.category?.code ? null : currentClassifier()]);
  const guesses = classifier ? classifier.predict({ text: t.content, ...(t.title ? { title: t.title } : {}) }, 3).map((p) => ({ code: p.label, confidence: p.confidence })) : [];
  const decision = route(
    {
      content: t.content,
      type: t.type,
      ...(t.title ? { title: t.title } : {}),
      ...(t.category?.code ? { categoryCode: t.category.code } : { categoryGuesses: guesses }),
      ...(t.location?.areaCode ? { areaCode: t.location.areaCode } : {}),
      ...(t.location?.address ? { address: t.location.address } : {}),
      ...(t.location?.point?.lng !== undefined ? { point: t.location.point as { lng: number; lat: number } } : {}),
    },
    catalogue,
  );
  const repeat = await repeatOf;
  const repeatSet = repeat ? { repeatOf: new Types.ObjectId(repeat.ticketId), repeatCount: repeat.repeatCount + 1 } : {};
  if (repeat) {
    const n = repeat.repeatCount + 1;
    decision.explanation.unshift(`重复件：与已办结未解决的工单 ${repeat.number} 为同一诉求（第 ${n} 次反映）`);
    if (n >= SUPERVISION_FROM_REPEAT && catalogue.supervisionUnitId) {
      // The third time an unresolved matter comes back, supervision takes it over directly.
      const sup = catalogue.units.find((u) => u.unitId === catalogue.supervisionUnitId)!;
      Object.assign(decision, { decision: 'dispatch', lead: { unitId: sup.unitId, unitName: sup.unitName }, coUnits: [], confidence: 1 });
      decision.explanation.push(`重复反映达 ${n} 次，由${sup.unitName}直接督办`);
    } else if (n >= EXPLAIN_FROM_REPEAT) {
      decision.explanation.push('承办单位答复时须说明问题原因和责任主体');
    }
  }
  const routing = summary(decision, guesses);
  const now = new Date();
  if (decision.decision === 'dispatch' && decision.lead) {
    const withAncestors = (id: string) => {
      const u = catalogue.units.find((x) => x.unitId === id)!;
      return { unitId: u.unitId, unitName: u.unitName, ancestors: u.ancestors };
    };
    await applyCommand(
      t,
      { kind: 'dispatch', lead: withAncestors(decision.lead.unitId), coUnits: decision.coUnits.map((c) => withAncestors(c.unitId)), note: decision.explanation.join('；') },
      ROUTER,
      now,
      { systemActor: ROUTER_EVENT_ACTOR, set: { routing, ...repeatSet }, complete: true },
    );
    return 'dispatched';
  }
  await applyTicketChange(t._id, { version: t.version, historyLength: t.history.length }, {
    set: { status: 'manual', routing, ...repeatSet },
    events: [
      {
        at: now,
        type: 'routing_parked',
        actor: ROUTER_EVENT_ACTOR,
        note: decision.explanation.join('；'),
        data: { suggestion: decision.lead, confidence: decision.confidence, matched: decision.matched.map((m) => m.name) },
      },
    ],
  }, t);
  return 'parked';
}

/** The caller's earlier matter that closed unresolved and this request repeats, if any (within 90 days). */
async function findRepeat(t: TicketDoc): Promise<UnresolvedItem | null> {
  const memory = await readUnresolved(t.caller.phone);
  const since = Date.now() - 90 * 24 * 3600_000;
  // Of the matching earlier matters, the latest in the chain (highest repeat count) counts.
  let best: UnresolvedItem | null = null;
  for (const item of memory?.items ?? []) {
    if (new Date(item.closedAt).getTime() < since || item.ticketId === t._id.toHexString()) continue;
    if (similarity(t.searchTokens, item.tokens) < SAME_MATTER_AT) continue;
    if (!best || item.repeatCount > best.repeatCount) best = item;
  }
  return best;
}

/** Category guesses below this are not worth showing: they only made every ticket bigger to store and to read. */
const SHOWN_GUESS_FROM = 0.01;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** What the dispatcher's queue shows: the suggestion, how sure, and why. */
function summary(d: RoutingDecision, guesses: { code: string; confidence: number }[]): RoutingSummary {
  return {
    decision: d.decision,
    suggestion: d.lead,
    coUnits: d.coUnits,
    confidence: d.confidence,
    explanation: d.explanation,
    // The engine's best five, without those that only came close to matching.
    matchedRules: d.matched.filter((m) => m.score > 0).map((m) => ({ id: m.ruleId, name: m.name, score: m.score })),
    categoryGuesses: guesses.filter((g) => g.confidence >= SHOWN_GUESS_FROM).map((g) => ({ code: g.code, confidence: round3(g.confidence) })),
    area: d.area,
  };
}
