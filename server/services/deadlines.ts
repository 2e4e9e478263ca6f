/**
 * Time limits on tickets (issue 4): deadlines at dispatch, timers, reconcile,
 * extensions. The rules are pure (domain/deadlines.ts, domain/time-limits.ts);
 * this module reads the policy table and calendar, writes through
 * applyTicketChange, and talks to the `timers` and `notifications` queues.
 *
 * Hooks for the workflow service (re-dispatch, redo): `deadlineChangeForDispatch`,
 * `restartClock`, `redoLimitChange`, then `scheduleTimersFor(updatedTicket)`.
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { Config } from '../config.ts';
import { parseWorkingHours } from '../config.ts';
import {
  currentVersion,
  decideTimer,
  deadlinesAfterExtension,
  deadlinesForDispatch,
  extensionRequestProblem,
  formatShanghai,
  LEVEL_NAMES,
  MILESTONE_NAMES,
  storedDeadlines,
  TIMED_STATUSES,
  timerFiredChange,
  timerJobId,
  escalationOf,
  type StoredDeadlines,
  type StoredTimer,
} from '../domain/deadlines.ts';
import { computeDeadlines, timerSchedule, type TicketDeadlines } from '../domain/time-limits.ts';
import type { Viewer } from '../domain/access.ts';
import type { HistoryEvent } from '../domain/ticket.ts';
import { applyTicketChange, versionConflict } from '../data/tickets.ts';
import { Ticket, type TicketDoc } from '../data/models/index.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { createQueue, QUEUES, TIMER_JOB_OPTIONS, type TimerJob } from '../queue/queues.ts';
import { logger } from '../logger.ts';
import { currentCalendar, currentPolicyTable, setWorkingPeriods } from './time-limit-config.ts';
import { centerManagers, createNotifiers, deliver, recipientsFor, type Notification, type NotifierSet, type Recipient } from './notify.ts';

type Event = Omit<HistoryEvent, 'seq'> & { public?: boolean };

// ---------------------------------------------------------------------------
// Runtime: the queues and notifiers of this process

interface Runtime {
  timersQueue: Queue | null;
  notifiers: NotifierSet;
  ownQueues: Queue[];
}
let runtime: Runtime | null = null;

/**
 * Wire the time-limit service to Redis for this process (server: from the
 * route factory; workers: from workers/main.ts). Without it, deadlines are
 * still stored at dispatch and the reconcile job schedules their timers.
 */
export function configureTimeLimits(opts: { redis: Redis; config: Config }): Runtime {
  setWorkingPeriods(parseWorkingHours(opts.config.WORKING_HOURS));
  const timersQueue = createQueue(QUEUES.timers, opts.redis, opts.config.REDIS_PREFIX);
  const notificationsQueue = createQueue(QUEUES.notifications, opts.redis, opts.config.REDIS_PREFIX);
  for (const q of [timersQueue, notificationsQueue]) q.on('error', (err) => logger.debug({ queue: q.name, err: err.message }, 'queue error'));
  runtime = { timersQueue, notifiers: createNotifiers(opts.config, notificationsQueue), ownQueues: [timersQueue, notificationsQueue] };
  return runtime;
}

export function timeLimitRuntime(): Runtime | null {
  return runtime;
}

export async function closeTimeLimits(): Promise<void> {
  const r = runtime;
  runtime = null;
  await Promise.all((r?.ownQueues ?? []).map((q) => q.close().catch(() => undefined)));
}

// ---------------------------------------------------------------------------
// Deadlines at dispatch (and the hooks for re-dispatch and redo)

type ClockTicket = Pick<TicketDoc, 'type' | 'urgency' | 'category' | 'deadlines'>;

/**
 * The part of a dispatch change that starts the clock: the deadlines (next
 * version) and their history event. A re-dispatch after a return also records
 * the time the previous unit held the ticket (time lost).
 */
export async function deadlineChangeForDispatch(t: ClockTicket, unitId: string, at: Date): Promise<{ set: Record<string, unknown>; events: Event[] }> {
  const [table, calendar] = await Promise.all([currentPolicyTable(), currentCalendar()]);
  const deadlines = deadlinesForDispatch(t as never, unitId, table, at, calendar);
  const previous = storedDeadlines(t);
  const event: Event = {
    at,
    type: 'deadlines_set',
    actor: { id: null, name: '时限监控', role: 'system' },
    note: `办结时限 ${formatShanghai(deadlines.resolve.dueAt)}${deadlines.accept ? `，签收时限 ${formatShanghai(deadlines.accept.dueAt)}` : ''}`,
    data: {
      deadlineVersion: deadlines.version,
      policyVersion: table.version,
      unitId,
      dueAt: { accept: deadlines.accept?.dueAt ?? null, contact: deadlines.contact?.dueAt ?? null, resolve: deadlines.resolve.dueAt },
      statutoryDueAt: deadlines.resolve.statutoryDueAt,
      ...(deadlines.warnings.length ? { calendarWarnings: deadlines.warnings } : {}),
      ...(previous
        ? { previous: { unitId: previous.unitId, dispatchedAt: previous.dispatchedAt, lostMs: at.getTime() - new Date(previous.dispatchedAt).getTime() } }
        : {}),
    },
  };
  return { set: { deadlines, overdue: false }, events: [event] };
}

/** 改派 after a return: the clock starts again for the new unit (same as dispatch; the time lost is recorded). */
export const restartClock = deadlineChangeForDispatch;

/**
 * 重办 (redo): the unit gets a new resolve limit from `at`, under the policy
 * the ticket was dispatched with; accept and contact are not timed again.
 */
export async function redoLimitChange(t: Pick<TicketDoc, 'deadlines'>, at: Date): Promise<{ set: Record<string, unknown>; events: Event[] }> {
  const d = storedDeadlines(t);
  if (!d) throw new ConflictError('no_deadlines', '工单没有时限，不能重办 (ticket has no deadlines)');
  const calendar = await currentCalendar();
  const policy = { ...d.policy, committed: { resolve: d.policy.committed.resolve! }, statutory: { resolve: d.policy.statutory.resolve! } };
  const computed: TicketDeadlines = computeDeadlines(policy, at, calendar);
  const deadlines: StoredDeadlines = {
    ...d,
    version: d.version + 1,
    dispatchedAt: at,
    resolve: computed.resolve,
    warnings: computed.warnings,
    timers: timerSchedule(computed, calendar).map((s) => ({ key: s.key, milestone: s.milestone, level: s.level, at: s.at, fireAt: s.fireAt })),
    fired: [],
    overdueMilestones: [],
    escalation: 'none',
    extensionRequest: null,
  };
  delete (deadlines as { accept?: unknown }).accept;
  delete (deadlines as { contact?: unknown }).contact;
  return {
    set: { deadlines, overdue: false },
    events: [
      {
        at,
        type: 'deadlines_set',
        actor: { id: null, name: '时限监控', role: 'system' },
        note: `重办，新的办结时限 ${formatShanghai(deadlines.resolve.dueAt)}`,
        data: { deadlineVersion: deadlines.version, reason: 'redo', dueAt: { resolve: deadlines.resolve.dueAt } },
      },
    ],
  };
}

// ---------------------------------------------------------------------------
// Timers

function timerJob(ticketId: string, version: number, timer: StoredTimer, now: number) {
  const data: TimerJob = { ticketId, version, milestone: timer.milestone, level: timer.level, fireAt: new Date(timer.fireAt).toISOString() };
  return {
    name: 'fire',
    data,
    opts: { ...TIMER_JOB_OPTIONS, jobId: timerJobId(ticketId, version, timer.milestone, timer.level), delay: Math.max(0, new Date(timer.fireAt).getTime() - now) },
  };
}

/** Timers of the current deadlines that still have something to do. */
export function pendingTimers(t: Pick<TicketDoc, '_id' | 'status' | 'deadlines' | 'history'>): StoredTimer[] {
  const d = storedDeadlines(t);
  if (!d) return [];
  return d.timers.filter((x) => decideTimer(t, d.version, x.milestone, x.level).kind === 'fire');
}

/**
 * Add the ticket's timers to the queue (existing job ids are left as they
 * are). Best effort: when Redis is away the reconcile job adds them later.
 */
export async function scheduleTimersFor(t: Pick<TicketDoc, '_id' | 'status' | 'deadlines' | 'history'>, queue = runtime?.timersQueue): Promise<number> {
  const d = storedDeadlines(t);
  if (!queue || !d) return 0;
  const now = Date.now();
  const jobs = pendingTimers(t).map((x) => timerJob(t._id.toHexString(), d.version, x, now));
  try {
    if (jobs.length) await queue.addBulk(jobs);
    return jobs.length;
  } catch (err) {
    logger.warn({ ticketId: t._id.toHexString(), err: (err as Error).message }, 'timers not scheduled now; reconcile will add them');
    return 0;
  }
}

/** Remove the jobs of an outdated deadline version (they would do nothing; this frees Redis). */
async function dropTimers(ticketId: string, d: StoredDeadlines | null, queue = runtime?.timersQueue): Promise<void> {
  if (!queue || !d) return;
  await Promise.all(
    d.timers.map((x) => queue.remove(timerJobId(ticketId, d.version, x.milestone, x.level)).catch(() => 0)),
  );
}

const TIMER_PROJECTION = { status: 1, version: 1, history: 1, deadlines: 1, number: 1, title: 1, lead: 1, scopeUnitIds: 1 } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isVersionConflict(err: unknown): boolean {
  return err instanceof AppError && err.status === 409 && err.code === 'version_conflict';
}

/**
 * A timer fires: re-read the ticket; do nothing for an outdated deadline
 * version, a met milestone, a ticket no longer with the unit, or a level
 * already recorded; otherwise record it (history event, fired key, overdue
 * and escalation fields) through applyTicketChange. Once only: the claim of
 * the next ticket version lets one writer through, the others re-read and
 * find the level recorded. Notification delivery is idempotent, so it is
 * repeated when the level is found already recorded (a crash in between).
 */
export async function fireTimer(job: TimerJob, now: () => Date = () => new Date()): Promise<string> {
  const id = new Types.ObjectId(job.ticketId);
  for (let attempt = 0; ; attempt++) {
    const t = await Ticket.findById(id, TIMER_PROJECTION).lean<TicketDoc>();
    if (!t) return 'missing';
    const decision = decideTimer(t, job.version, job.milestone, job.level);
    if (decision.kind === 'skip') {
      if (decision.reason === 'already_fired') await notifyLevel(t, job).catch((err) => logger.warn({ err: (err as Error).message }, 'timer notify retry failed'));
      return decision.reason;
    }
    const change = timerFiredChange(decision.deadlines, decision.timer, now());
    try {
      const updated = await applyTicketChange(t._id, { version: t.version, historyLength: t.history.length }, change);
      await notifyLevel(updated, job);
      return 'fired';
    } catch (err) {
      // Another change to the ticket won this version (or a crashed writer's claim is pending): read again.
      if (!isVersionConflict(err) || attempt >= 40) throw err;
      await sleep(50 + Math.random() * 150);
    }
  }
}

async function notifyLevel(t: TicketDoc, job: TimerJob): Promise<void> {
  const set = runtime?.notifiers;
  const d = storedDeadlines(t);
  if (!set || !d || d.version !== job.version) return;
  const milestone = d[job.milestone];
  const timer = d.timers.find((x) => x.key === `${job.milestone}.${job.level}`);
  if (!milestone || !timer) return;
  const event = [...t.history].reverse().find((h) => h.type === `time_limit_${job.level}` && (h.data as { milestone?: string } | undefined)?.milestone === job.milestone);
  const recipients = await recipientsFor(t.lead?.unitId ?? d.unitId, job.level);
  const n: Notification = {
    key: `${t._id.toHexString()}:v${d.version}:${job.milestone}.${job.level}`,
    kind: 'time_limit',
    ticket: { id: t._id.toHexString(), number: t.number, title: t.title ?? null, unitId: t.lead?.unitId ?? null, unitName: t.lead?.unitName ?? null },
    level: job.level,
    milestone: job.milestone,
    title: `${LEVEL_NAMES[job.level]}：工单 ${t.number}`,
    text: `工单 ${t.number}${t.title ? `「${t.title}」` : ''}${event?.note ?? ''}`,
    dueAt: new Date(milestone.dueAt).toISOString(),
    at: new Date(event?.at ?? Date.now()).toISOString(),
    recipients,
  };
  await deliver(set, n);
}

/** The `timers` queue processor. */
export async function timerProcessor(job: Job<TimerJob>): Promise<string> {
  return fireTimer(job.data);
}

// ---------------------------------------------------------------------------
// Reconcile

export interface ReconcileResult {
  tickets: number;
  timers: number;
  present: number;
  added: number;
  late: number;
  ms: number;
}

/**
 * Rebuild missing timers from MongoDB (after a Redis loss, or a dispatch made
 * while Redis was away): every open, timed ticket's timers that still have
 * something to do and have no job get one; those whose instant has passed
 * fire at once, late, and once (the processor checks the ticket's record).
 */
export async function reconcileTimers(queue: Queue, opts: { batch?: number } = {}): Promise<ReconcileResult> {
  const started = performance.now();
  const batch = opts.batch ?? 2000;
  const result: ReconcileResult = { tickets: 0, timers: 0, present: 0, added: 0, late: 0, ms: 0 };
  const client = await (queue.getBackend() as unknown as { client: Promise<import("ioredis").Redis> }).client;
  let pending: { name: string; data: TimerJob; opts: { jobId: string; delay: number } }[] = [];

  const flush = async () => {
    if (pending.length === 0) return;
    const jobs = pending;
    pending = [];
    const pipe = client.pipeline();
    for (const j of jobs) pipe.exists(queue.toKey(j.opts.jobId));
    const exists = (await pipe.exec()) ?? [];
    const missing = jobs.filter((_, i) => exists[i]?.[1] !== 1);
    result.present += jobs.length - missing.length;
    for (let i = 0; i < missing.length; i += 1000) await queue.addBulk(missing.slice(i, i + 1000));
    result.added += missing.length;
    result.late += missing.filter((j) => j.opts.delay === 0).length;
  };

  const cursor = Ticket.find({ status: { $in: TIMED_STATUSES }, 'deadlines.version': { $exists: true } }, { status: 1, history: 1, deadlines: 1 })
    .lean<TicketDoc>()
    .cursor({ batchSize: 1000 });
  for await (const t of cursor as AsyncIterable<TicketDoc>) {
    result.tickets++;
    const d = storedDeadlines(t);
    if (!d) continue;
    const now = Date.now();
    for (const x of pendingTimers(t)) {
      pending.push(timerJob(t._id.toHexString(), d.version, x, now) as never);
      result.timers++;
    }
    if (pending.length >= batch) await flush();
  }
  await flush();
  result.ms = Math.round(performance.now() - started);
  return result;
}

// ---------------------------------------------------------------------------
// Extensions (延期)

const EXTENSION_PROJECTION = { ...TIMER_PROJECTION, type: 1, urgency: 1 } as const;

async function loadTicket(id: string): Promise<TicketDoc> {
  const t = await Ticket.findById(id, EXTENSION_PROJECTION).lean<TicketDoc>();
  if (!t) throw new NotFoundError('工单');
  return t;
}

/** 延期申请: a handler of the lead unit asks, before the resolve deadline, for N working days with a reason. */
export async function requestExtension(
  ticketId: string,
  cmd: { version: number; workingDays: number; reason: string },
  by: Viewer,
): Promise<TicketDoc> {
  const t = await loadTicket(ticketId);
  if (by.role !== 'unit_handler' || !t.lead || t.lead.unitId !== by.unitId) {
    throw new ForbiddenError('只有主办单位的承办人可以申请延期 (only a handler of the lead unit may ask for an extension)');
  }
  if (t.version !== cmd.version) throw versionConflict(cmd.version);
  const d = storedDeadlines(t);
  const now = new Date();
  const problem = extensionRequestProblem(d, t.status, cmd.workingDays, now);
  if (problem?.code === 'extension_too_long') throw new ValidationError([{ field: 'workingDays', problem: problem.message }]);
  if (problem || !d) throw new ConflictError(problem!.code, problem!.message);
  const request = { id: new Types.ObjectId().toHexString(), workingDays: cmd.workingDays, reason: cmd.reason, by: { id: by.id, name: by.name, unitId: by.unitId }, at: now };
  const updated = await applyTicketChange(t._id, { version: t.version, historyLength: t.history.length }, {
    set: { deadlines: { ...d, extensionRequest: request } },
    events: [
      {
        at: now,
        type: 'extension_requested',
        actor: { id: by.id, name: by.name, role: by.role },
        note: cmd.reason,
        data: { requestId: request.id, workingDays: cmd.workingDays, dueAt: d.resolve.dueAt },
      },
    ],
  });
  const set = runtime?.notifiers;
  if (set) {
    await deliver(set, extensionNotice(updated, `${updated._id.toHexString()}:ext:${request.id}:requested`, 'extension_requested', '延期申请待审批', `${t.lead.unitName ?? ''}申请延期 ${cmd.workingDays} 个工作日：${cmd.reason}`, await centerManagers())).catch((err) =>
      logger.warn({ err: (err as Error).message }, 'extension notice failed'),
    );
    // The console event extension_requested is announced by applyTicketChange (realtime/bus.ts).
  }
  return updated;
}

/** Who decides extensions: the center (its managers). */
export function canDecideExtension(v: Viewer): boolean {
  return v.role === 'manager' && v.atCenter;
}

/** 延期审批: a center manager approves (deadlines move, new version, timers rescheduled, the citizen's record told) or refuses. */
export async function decideExtension(
  ticketId: string,
  cmd: { version: number; approve: boolean; note?: string },
  by: Viewer,
): Promise<TicketDoc> {
  if (!canDecideExtension(by)) throw new ForbiddenError('只有热线中心的管理人员可以审批延期 (only a center manager may decide extensions)');
  const t = await loadTicket(ticketId);
  if (t.version !== cmd.version) throw versionConflict(cmd.version);
  const d = storedDeadlines(t);
  const request = d?.extensionRequest;
  if (!d || !request) throw new ConflictError('no_extension_request', '没有待审批的延期申请 (no pending extension request)');
  const now = new Date();
  const actor = { id: by.id, name: by.name, role: by.role };
  let set: Record<string, unknown>;
  let events: Event[];
  let next: StoredDeadlines | null = null;
  if (cmd.approve) {
    next = deadlinesAfterExtension(d, request.workingDays, await currentCalendar());
    set = { deadlines: next, overdue: next.overdueMilestones.length > 0 };
    events = [
      {
        at: now,
        type: 'extension_approved',
        actor,
        // Public: the citizen's record tells the new deadline.
        public: true,
        note: `经审核同意延期 ${request.workingDays} 个工作日，办结期限延至 ${formatShanghai(next.resolve.dueAt)}`,
        data: {
          requestId: request.id,
          workingDays: request.workingDays,
          previousDueAt: d.resolve.dueAt,
          dueAt: next.resolve.dueAt,
          deadlineVersion: next.version,
          ...(cmd.note ? { comment: cmd.note } : {}),
        },
      },
    ];
  } else {
    set = { deadlines: { ...d, extensionRequest: null } };
    events = [
      { at: now, type: 'extension_refused', actor, note: cmd.note ?? '不同意延期', data: { requestId: request.id, workingDays: request.workingDays } },
    ];
  }
  const updated = await applyTicketChange(t._id, { version: t.version, historyLength: t.history.length }, { set, events: events as Omit<HistoryEvent, 'seq'>[] });
  if (next) {
    await scheduleTimersFor(updated);
    await dropTimers(t._id.toHexString(), d).catch(() => undefined);
  }
  const notifiers = runtime?.notifiers;
  if (notifiers) {
    const handlers = await recipientsFor(updated.lead?.unitId ?? d.unitId, 'warning');
    const requester: Recipient = { userId: request.by.id, name: request.by.name, role: 'handler' };
    const text = cmd.approve ? events[0]!.note! : `延期申请未获同意${cmd.note ? `：${cmd.note}` : ''}，办结期限仍为 ${formatShanghai(d.resolve.dueAt)}`;
    await deliver(
      notifiers,
      extensionNotice(updated, `${updated._id.toHexString()}:ext:${request.id}:decided`, 'extension_decided', cmd.approve ? '延期已批准' : '延期未批准', text, [
        requester,
        ...handlers.filter((h) => h.userId !== requester.userId),
      ]),
    ).catch((err) => logger.warn({ err: (err as Error).message }, 'extension notice failed'));
  }
  return updated;
}

function extensionNotice(t: TicketDoc, key: string, kind: Notification['kind'], title: string, text: string, recipients: Recipient[]): Notification {
  return {
    key,
    kind,
    ticket: { id: t._id.toHexString(), number: t.number, title: t.title ?? null, unitId: t.lead?.unitId ?? null, unitName: t.lead?.unitName ?? null },
    title: `${title}：工单 ${t.number}`,
    text: `工单 ${t.number}${t.title ? `「${t.title}」` : ''}：${text}`,
    at: new Date().toISOString(),
    recipients,
  };
}

/** A short state of a ticket's time limits for lists and boards. */
export function timeLimitSummary(t: Pick<TicketDoc, 'deadlines' | 'overdue'>) {
  const d = storedDeadlines(t);
  if (!d) return null;
  return {
    version: d.version,
    escalation: d.escalation ?? escalationOf(d.fired),
    overdue: !!t.overdue,
    resolveDueAt: d.resolve.dueAt,
    milestones: Object.fromEntries(
      (['accept', 'contact', 'resolve'] as const).flatMap((m) => (d[m] ? [[m, { name: MILESTONE_NAMES[m], dueAt: d[m]!.dueAt }]] : [])),
    ),
  };
}

export { currentVersion };
