/**
 * Time limits on tickets (issue 4): deadlines at dispatch, timers, reconcile,
 * extensions. The rules are pure (domain/deadlines.ts, domain/time-limits.ts);
 * this module reads the policy table and calendar, writes through
 * applyTicketChange, and talks to the `timers` and `notifications` queues.
 *
 * Hooks for the workflow service (re-dispatch, redo): `deadlineChangeForDispatch`,
 * `restartClock`, `redoLimitChange`, then `scheduleTimersFor(updatedTicket)`.
 */
import { DelayedError, type Job, type Queue } from 'bullmq';
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
  timerFiredChange,
  timerJobId,
  escalationOf,
  CLOCK_CAN_RUN,
  remainingTimers,
  scheduledTimers,
  scheduleFields,
  timerScheduleId,
  unionOfTimers,
  withinHorizon,
  type StoredDeadlines,
  type StoredTimer,
} from '../domain/deadlines.ts';
import { computeDeadlines, timerSchedule, type EscalationLevel, type Milestone, type TicketDeadlines } from '../domain/time-limits.ts';
import type { Viewer } from '../domain/access.ts';
import type { HistoryEvent } from '../domain/ticket.ts';
import { applyTicketChange, versionConflict } from '../data/tickets.ts';
import { BatchInserter } from '../data/group-commit.ts';
import { isDuplicateKey } from '../data/db.ts';
import { Ticket, type TicketDoc } from '../data/models/index.ts';
import { TimerSchedule, TimerScheduleRun, type TimerScheduleRecord } from '../data/models/timer-schedule.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { createQueue, QUEUES, TIMER_JOB_OPTIONS, type TimerJob } from '../queue/queues.ts';
import { logger } from '../logger.ts';
import { currentCalendar, policyTableForDispatch, setWorkingPeriods } from './time-limit-config.ts';
import { centerManagers, createNotifiers, deliver, recipientsFor, type Notification, type NotifierSet, type Recipient } from './notify.ts';

type Event = Omit<HistoryEvent, 'seq'> & { public?: boolean };

// ---------------------------------------------------------------------------
// Runtime: the queues and notifiers of this process

interface Runtime {
  timersQueue: Queue | null;
  notifiers: NotifierSet;
  ownQueues: Queue[];
  /** How far ahead Redis holds timers (TIMER_HORIZON_MS unless configured). */
  horizonMs: number;
}
let runtime: Runtime | null = null;

/**
 * Wire the time-limit service to Redis for this process (server: from the
 * route factory; workers: from workers/main.ts). Without it, deadlines are
 * still stored at dispatch and the reconcile job schedules their timers.
 */
export function configureTimeLimits(opts: { redis: Redis; config: Config; timerHorizonMs?: number }): Runtime {
  setWorkingPeriods(parseWorkingHours(opts.config.WORKING_HOURS));
  const timersQueue = createQueue(QUEUES.timers, opts.redis, opts.config.REDIS_PREFIX);
  const notificationsQueue = createQueue(QUEUES.notifications, opts.redis, opts.config.REDIS_PREFIX);
  for (const q of [timersQueue, notificationsQueue]) q.on('error', (err) => logger.debug({ queue: q.name, err: err.message }, 'queue error'));
  runtime = {
    timersQueue,
    notifiers: createNotifiers(opts.config, notificationsQueue),
    ownQueues: [timersQueue, notificationsQueue],
    horizonMs: opts.timerHorizonMs ?? TIMER_HORIZON_MS,
  };
  return runtime;
}

export function timeLimitRuntime(): Runtime | null {
  return runtime;
}

export async function closeTimeLimits(): Promise<void> {
  const r = runtime;
  runtime = null;
  recipientCache.clear();
  await Promise.all((r?.ownQueues ?? []).map((q) => q.close().catch(() => undefined)));
}

// ---------------------------------------------------------------------------
// Deadlines at dispatch (and the hooks for re-dispatch and redo)

/** The workflow passes the whole ticket; with its id the timer schedule is written ahead of the change. */
type ClockTicket = Pick<TicketDoc, 'type' | 'urgency' | 'category' | 'deadlines'> & Partial<Pick<TicketDoc, '_id' | 'history'>>;

/**
 * The part of a dispatch change that starts the clock: the deadlines (next
 * version) and their history event. A re-dispatch after a return also records
 * the time the previous unit held the ticket (time lost).
 */
export async function deadlineChangeForDispatch(t: ClockTicket, unitId: string, at: Date): Promise<{ set: Record<string, unknown>; events: Event[] }> {
  const [table, calendar] = await Promise.all([policyTableForDispatch(), currentCalendar()]);
  const deadlines = deadlinesForDispatch(t as never, unitId, table, at, calendar);
  await scheduleAhead(t, deadlines);
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
export async function redoLimitChange(t: Pick<TicketDoc, 'deadlines'> & Partial<Pick<TicketDoc, '_id' | 'history'>>, at: Date): Promise<{ set: Record<string, unknown>; events: Event[] }> {
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
  await scheduleAhead(t, deadlines);
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
//
// At 100,000 open tickets (issue 4) MongoDB holds the whole schedule and Redis
// only its next window:
//  - `timer_schedules` (data/models/timer-schedule.ts): per ticket and deadline
//    version, the timers still to act on. Written before the ticket change that
//    sets the deadlines (a crash in between leaves an entry for a version the
//    ticket never reached; its timers find that out and drop it), again from
//    the ticket after the change. A timer that finished is dropped from it by
//    the next sweep, which sees its finished job (kept an hour): the firing
//    path itself writes only the ticket (FerretDB serialises its work, and at
//    the 09:00 peak every write on that path costs throughput).
//  - Redis holds a delayed job only for timers due within the horizon (2 h).
//    A dispatch adds those at once; the reconcile sweep reads the schedule
//    (small documents, never the tickets) and adds every job missing from the
//    window: the next timers as they enter it, and all of them after a Redis
//    flush. Job ids stay deterministic (ticket, deadline version, milestone,
//    level), so a job already there is never doubled, and a timer whose
//    instant passed fires at once, late, and once (the ticket records it).
//  - A rebuild from the tickets (the slow scan the sweep avoids) repairs the
//    schedule on first deployment and then nightly: a write that bypassed
//    these hooks.
// Trade-off: the horizon must outlast the gap between sweeps (10 min, plus the
// sweep itself) by a wide margin; in exchange Redis holds a small share of the
// timers and a sweep adds only what entered the window.

/** Redis holds the timers due within this window. */
export const TIMER_HORIZON_MS = 2 * 3600_000;
/** The scheduled reconcile sweeps once what Redis holds reaches less than (horizon - this) ahead, and at once after a flush. */
export const SWEEP_EVERY_MS = 10 * 60_000;
/** The schedule is rebuilt from the tickets when it never was, then once a day in the small hours (Asia/Shanghai), or after 3 days whatever the hour. */
export const REBUILD_EVERY_MS = 24 * 3600_000;
const REBUILD_NIGHT_HOURS = [2, 3, 4];
/** A timer finding its clock stopped for now (a return asked) looks again after this. */
const RECHECK_STOPPED_MS = 5 * 60_000;
/** A timer of a deadline version still being written looks again after this; an entry older than ORPHAN_AFTER_MS was never applied. */
const RECHECK_AHEAD_MS = 30_000;
const ORPHAN_AFTER_MS = 10 * 60_000;
/** A job more than this ahead of its timer's instant (a stale entry) waits for the instant. */
const EARLY_TOLERANCE_MS = 1000;

function horizon(ms?: number): number {
  return ms ?? runtime?.horizonMs ?? TIMER_HORIZON_MS;
}

function timerJob(ticketId: string, version: number, timer: Pick<StoredTimer, 'milestone' | 'level' | 'fireAt'>, now: number) {
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

// Schedule entries are only ever read or written by _id (FerretDB indexes nothing else).
const schedules = () => TimerSchedule.collection as unknown as import('mongodb').Collection<TimerScheduleRecord>;

/** Write (or replace) the entry of a ticket's deadline version; with no timers left it goes. */
async function writeSchedule(ticketId: Types.ObjectId, version: number, timers: readonly Pick<StoredTimer, 'key' | 'fireAt'>[]): Promise<void> {
  const _id = timerScheduleId(ticketId.toHexString(), version);
  const fields = scheduleFields(timers);
  if (!fields) await schedules().deleteOne({ _id });
  else await schedules().replaceOne({ _id }, { ticketId, version, ...fields, writtenAt: new Date() }, { upsert: true });
}

/**
 * Keep what is left of an entry (never re-creating a dropped one). Two
 * writers trimming one entry at once may put back a key the other removed
 * (updates are not isolated on FerretDB): that timer then runs once more,
 * finds its level recorded, and the next sweep drops it again.
 */
async function trimSchedule(ticketId: Types.ObjectId, version: number, timers: readonly Pick<StoredTimer, 'key' | 'fireAt'>[]): Promise<void> {
  const _id = timerScheduleId(ticketId.toHexString(), version);
  const fields = scheduleFields(timers);
  if (!fields) await schedules().deleteOne({ _id });
  else await schedules().updateOne({ _id }, { $set: fields });
}

async function dropSchedule(ticketId: string, version: number): Promise<void> {
  await schedules().deleteOne({ _id: timerScheduleId(ticketId, version) });
}

/** Entries written ahead are new documents (the deadline version is in the _id): group-committed like intake. */
const aheadInserter = new BatchInserter<TimerScheduleRecord>(schedules);
/** What this process wrote ahead per entry, so the write after the change is skipped when it would be the same. */
const writtenAhead = new Map<string, string>();

/**
 * Written ahead of the ticket change that sets `d` (dispatch, redo,
 * extension), so that no crash can leave deadlines without their schedule.
 * Callers without the ticket's id leave it to scheduleTimersFor.
 */
async function scheduleAhead(t: { _id?: Types.ObjectId; history?: TicketDoc['history'] }, d: StoredDeadlines): Promise<void> {
  if (!t._id) return;
  const timers = remainingTimers(d, t.history ?? []);
  const fields = scheduleFields(timers);
  if (!fields) return;
  const _id = timerScheduleId(t._id.toHexString(), d.version);
  try {
    await aheadInserter.insert({ _id, ticketId: t._id, version: d.version, ...fields, writtenAt: new Date() });
  } catch (err) {
    // A retried or competing change for this version wrote it first. Only one of them will be
    // applied, so the entry keeps the timers of both (an extra timer does nothing; an early one waits).
    if (!isDuplicateKey(err)) throw err;
    const first = await schedules().findOne({ _id });
    const theirs = first ? first.keys.map((key, i) => ({ key, fireAt: first.at[i]! })) : [];
    await writeSchedule(t._id, d.version, unionOfTimers(theirs, timers));
    return;
  }
  if (writtenAhead.size > 10_000) writtenAhead.clear();
  writtenAhead.set(_id, JSON.stringify(fields.keys));
}

/**
 * After a change that set deadlines: the schedule entry as the ticket now has
 * it (the previous version's goes), and the jobs of the timers due within the
 * horizon (existing job ids are left as they are). Best effort: when a store
 * is away the entry written ahead and the reconcile sweep cover it.
 */
export async function scheduleTimersFor(
  t: Pick<TicketDoc, '_id' | 'status' | 'deadlines' | 'history'>,
  queue = runtime?.timersQueue,
  opts: { horizonMs?: number } = {},
): Promise<number> {
  const d = storedDeadlines(t);
  if (!d) return 0;
  const ticketId = t._id.toHexString();
  try {
    const timers = scheduledTimers(t);
    const id = timerScheduleId(ticketId, d.version);
    const ahead = writtenAhead.get(id);
    writtenAhead.delete(id);
    // Usually the entry written ahead is exactly this (a dispatch): one write per dispatch, not two.
    if (ahead === undefined || ahead !== JSON.stringify(scheduleFields(timers)?.keys ?? null)) await writeSchedule(t._id, d.version, timers);
    if (d.version > 1) await dropSchedule(ticketId, d.version - 1);
  } catch (err) {
    logger.warn({ ticketId, err: (err as Error).message }, 'timer schedule not written now; the entry written ahead stands');
  }
  if (!queue) return 0;
  const now = Date.now();
  const jobs = withinHorizon(pendingTimers(t), now + horizon(opts.horizonMs)).map((x) => timerJob(ticketId, d.version, x, now));
  try {
    if (jobs.length) await queue.addBulk(jobs);
    return jobs.length;
  } catch (err) {
    logger.warn({ ticketId, err: (err as Error).message }, 'timers not scheduled now; reconcile will add them');
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

/** What running a timer did; `retryAt` (ms): the job should run again then (early, clock stopped for now, version being written). */
interface TimerRun {
  result: string;
  retryAt?: number;
}

/**
 * A timer runs: re-read the ticket; do nothing for an outdated deadline
 * version, a met milestone, a ticket no longer with the unit, or a level
 * already recorded; otherwise record it (history event, fired key, overdue
 * and escalation fields) through applyTicketChange. Once only: the claim of
 * the next ticket version lets one writer through, the others re-read and
 * find the level recorded. Notification delivery is idempotent, so it is
 * repeated when the level is found already recorded (a crash in between).
 * A fired level leaves the schedule entry to the sweep; a met milestone, a
 * clock that cannot run again or an outdated version settle it here.
 */
async function runTimer(job: TimerJob, opts: { now: () => Date; onTime: boolean }): Promise<TimerRun> {
  const id = new Types.ObjectId(job.ticketId);
  for (let attempt = 0; ; attempt++) {
    // The driver directly: this read is on every timer's path, mongoose's lean() costs twice the CPU here.
    const t = (await Ticket.collection.findOne({ _id: id }, { projection: TIMER_PROJECTION })) as TicketDoc | null;
    if (!t) {
      await dropSchedule(job.ticketId, job.version);
      return { result: 'missing' };
    }
    const decision = decideTimer(t, job.version, job.milestone, job.level);
    if (decision.kind === 'skip') {
      if (decision.reason === 'already_fired') await notifyLevel(t, job).catch((err) => logger.warn({ err: (err as Error).message }, 'timer notify retry failed'));
      return settleSkip(t, job, decision.reason, opts.now().getTime());
    }
    const due = new Date(decision.timer.fireAt).getTime();
    // A job armed from a stale entry (a deadline version written twice) waits for the ticket's own instant.
    if (opts.onTime && due > opts.now().getTime() + EARLY_TOLERANCE_MS) return { result: 'early', retryAt: due };
    const change = timerFiredChange(decision.deadlines, decision.timer, opts.now());
    let updated: TicketDoc;
    try {
      updated = await applyTicketChange(t._id, { version: t.version, historyLength: t.history.length }, change);
    } catch (err) {
      // Another change to the ticket won this version (or a crashed writer's claim is pending): read again.
      if (!isVersionConflict(err) || attempt >= 40) throw err;
      await sleep(50 + Math.random() * 150);
      continue;
    }
    await notifyLevel(updated, job);
    return { result: 'fired' };
  }
}

/** A timer that did nothing: settle its schedule entry, or say when to look again. */
async function settleSkip(t: TicketDoc, job: TimerJob, reason: string, now: number): Promise<TimerRun> {
  const current = currentVersion(t);
  if (job.version < current) {
    await dropSchedule(job.ticketId, job.version);
    return { result: reason };
  }
  if (job.version > current) return settleAhead(t._id, job);
  const key = `${job.milestone}.${job.level}`;
  const left = scheduledTimers(t);
  // The clock stopped for now (a return asked) but may run again under this version: look again later.
  if (reason === 'not_running' && left.some((x) => x.key === key)) return { result: reason, retryAt: now + RECHECK_STOPPED_MS };
  // Done for this key only: the sweep drops it from the entry when it sees the finished job.
  if (reason === 'already_fired' || reason === 'unknown_timer') return { result: reason };
  const metMilestone = reason === 'met' ? job.milestone : null;
  await trimSchedule(t._id, job.version, left.filter((x) => x.key !== key && x.milestone !== metMilestone));
  return { result: reason };
}

/**
 * A timer of a deadline version the ticket has not reached: its entry was
 * written ahead of a change still under way (look again soon), or of one that
 * never happened (drop it, unless the ticket reached the version meanwhile).
 */
async function settleAhead(id: Types.ObjectId, job: TimerJob): Promise<TimerRun> {
  const _id = timerScheduleId(job.ticketId, job.version);
  const entry = await schedules().findOne({ _id }, { projection: { writtenAt: 1 } });
  if (!entry) return { result: 'outdated' };
  if (Date.now() - new Date(entry.writtenAt).getTime() < ORPHAN_AFTER_MS) return { result: 'version_pending', retryAt: Date.now() + RECHECK_AHEAD_MS };
  await schedules().deleteOne({ _id });
  const again = await Ticket.findById(id, { status: 1, deadlines: 1, history: 1 }).lean<TicketDoc>();
  if (again && currentVersion(again) === job.version) await writeSchedule(id, job.version, scheduledTimers(again));
  return { result: 'outdated' };
}

/** Run a timer now, whatever its instant (tests, tools): the outcome ('fired', 'already_fired', 'outdated', 'met' …). */
export async function fireTimer(job: TimerJob, now: () => Date = () => new Date()): Promise<string> {
  return (await runTimer(job, { now, onTime: false })).result;
}

/**
 * Recipients by unit and level, kept a minute: at 09:00 thousands of working-
 * time reminders come due together for a few hundred units, and each lookup
 * is several queries (users by unit scan the collection on FerretDB). A
 * handler or manager changed in the meantime is told from the next minute.
 */
const RECIPIENTS_TTL_MS = 60_000;
const recipientCache = new Map<string, { at: number; list: Promise<Recipient[]> }>();
function cachedRecipients(unitId: string, level: EscalationLevel): Promise<Recipient[]> {
  const key = `${unitId}|${level}`;
  const hit = recipientCache.get(key);
  if (hit && Date.now() - hit.at < RECIPIENTS_TTL_MS) return hit.list;
  const list = recipientsFor(unitId, level);
  recipientCache.set(key, { at: Date.now(), list });
  // A failed lookup is not kept.
  list.catch(() => recipientCache.delete(key));
  if (recipientCache.size > 10_000) recipientCache.clear();
  return list;
}

async function notifyLevel(t: TicketDoc, job: TimerJob): Promise<void> {
  const set = runtime?.notifiers;
  const d = storedDeadlines(t);
  if (!set || !d || d.version !== job.version) return;
  const milestone = d[job.milestone];
  const timer = d.timers.find((x) => x.key === `${job.milestone}.${job.level}`);
  if (!milestone || !timer) return;
  const event = [...t.history].reverse().find((h) => h.type === `time_limit_${job.level}` && (h.data as { milestone?: string } | undefined)?.milestone === job.milestone);
  const recipients = await cachedRecipients(t.lead?.unitId ?? d.unitId, job.level);
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

/**
 * The `timers` queue processor. A job that came too early, finds the clock
 * stopped for now, or belongs to a version still being written goes back to
 * the delayed set under the same id (no new job, nothing doubled).
 */
export async function timerProcessor(job: Job<TimerJob>, token?: string): Promise<string> {
  const run = await runTimer(job.data, { now: () => new Date(), onTime: true });
  const lock = token ?? job.token;
  if (run.retryAt !== undefined && lock) {
    await job.moveToDelayed(run.retryAt, lock);
    throw new DelayedError();
  }
  return run.result;
}

// ---------------------------------------------------------------------------
// Reconcile

export interface ReconcileResult {
  /** Schedule entries with a timer in the window. */
  tickets: number;
  /** Timers in the window (each should have its job, or have finished). */
  timers: number;
  /** Their job is there, waiting for its instant (or running). */
  present: number;
  /** Their job finished: dropped from the schedule now. */
  finished: number;
  added: number;
  /** Added with their instant already passed: they fire at once. */
  late: number;
  ms: number;
  /** End of the window (ms). */
  until: number;
  /** The scheduled run found the window armed far enough ahead. */
  skipped?: boolean;
}

const ARMED_UNTIL = 'timers-armed-until';
const REBUILD_LOCK = 'timers-schedule-rebuild';

async function redisOf(queue: Queue): Promise<Redis> {
  return (queue.getBackend() as unknown as { client: Promise<Redis> }).client;
}

type SweptEntry = Pick<TimerScheduleRecord, '_id' | 'ticketId' | 'version' | 'keys' | 'at'>;
type Candidate = { entry: SweptEntry; ticketId: string; version: number; key: string; milestone: Milestone; level: EscalationLevel; fireAt: Date };

/**
 * The sweep: every timer of the schedule due within the horizon gets its job
 * if it has none (after a Redis flush: all of them; otherwise those that
 * entered the window since the last sweep), and timers whose job finished are
 * dropped from the schedule. Instants already passed fire at once, late, and
 * once. Reads only the schedule entries, in batches; the Redis side is
 * pipelined (one HMGET per timer) and bulk (addBulk), overlapping the reads.
 * `ifDue` (the scheduled job): skip while Redis says the window is armed at
 * least (horizon - SWEEP_EVERY_MS) ahead; a flush removes that marker.
 */
export async function reconcileTimers(
  queue: Queue,
  opts: { batch?: number; horizonMs?: number; ifDue?: boolean; now?: () => number } = {},
): Promise<ReconcileResult> {
  const started = performance.now();
  const now = opts.now ?? Date.now;
  const horizonMs = horizon(opts.horizonMs);
  const batch = opts.batch ?? 5000;
  const client = await redisOf(queue);
  const until = now() + horizonMs;
  const result: ReconcileResult = { tickets: 0, timers: 0, present: 0, finished: 0, added: 0, late: 0, ms: 0, until };
  if (opts.ifDue) {
    const armed = Number(await client.get(queue.toKey(ARMED_UNTIL)));
    if (armed && armed - now() > horizonMs - SWEEP_EVERY_MS) return { ...result, skipped: true, ms: Math.round(performance.now() - started) };
  }

  const arm = async (list: Candidate[]) => {
    result.timers += list.length;
    const pipe = client.pipeline();
    for (const c of list) pipe.hmget(queue.toKey(timerJobId(c.ticketId, c.version, c.milestone, c.level)), 'timestamp', 'finishedOn');
    const states = ((await pipe.exec()) ?? []).map(([, v]) => v as (string | null)[] | null);
    let missing: Candidate[] = [];
    const finished: Candidate[] = [];
    list.forEach((c, i) => {
      const [timestamp, finishedOn] = states[i] ?? [null, null];
      if (!timestamp) missing.push(c);
      else if (finishedOn) finished.push(c);
      else result.present++;
    });
    const at = Date.now();
    // A timer due now whose job is gone may have finished and been dropped from its entry after this sweep read it: re-read those entries.
    const due = missing.filter((c) => c.fireAt.getTime() <= at);
    if (due.length) {
      const still = new Set<string>();
      const ids = [...new Set(due.map((c) => c.entry._id))];
      for (let i = 0; i < ids.length; i += 500) {
        for await (const e of schedules().find({ _id: { $in: ids.slice(i, i + 500) } }, { projection: { keys: 1 } })) {
          for (const k of e.keys) still.add(`${e._id}|${k}`);
        }
      }
      const kept = new Set(due.filter((c) => still.has(`${c.entry._id}|${c.key}`)));
      missing = missing.filter((c) => c.fireAt.getTime() > at || kept.has(c));
      result.finished += due.length - kept.size;
    }
    const jobs = missing.map((c) => timerJob(c.ticketId, c.version, c, at));
    for (let i = 0; i < jobs.length; i += 5000) await queue.addBulk(jobs.slice(i, i + 5000));
    result.added += jobs.length;
    result.late += jobs.filter((j) => j.opts.delay === 0).length;
    if (finished.length) await dropFinished(finished);
    result.finished += finished.length;
  };

  let candidates: Candidate[] = [];
  // One batch of Redis work in flight while the next entries are read.
  let inFlight: Promise<void> = Promise.resolve();
  const cursor = schedules().find({ next: { $lte: new Date(until) } }, { projection: { ticketId: 1, version: 1, keys: 1, at: 1 }, batchSize: 2000 });
  for await (const e of cursor) {
    let any = false;
    const ticketId = e.ticketId.toHexString();
    for (let i = 0; i < e.keys.length; i++) {
      const fireAt = new Date(e.at[i]!);
      if (fireAt.getTime() > until) continue;
      const key = e.keys[i]!;
      const [milestone, level] = key.split('.') as [Milestone, EscalationLevel];
      candidates.push({ entry: e, ticketId, version: e.version, key, milestone, level, fireAt });
      any = true;
    }
    if (any) result.tickets++;
    if (candidates.length >= batch) {
      await inFlight;
      inFlight = arm(candidates);
      candidates = [];
    }
  }
  await inFlight;
  await arm(candidates);
  await client.set(queue.toKey(ARMED_UNTIL), String(until));
  result.ms = Math.round(performance.now() - started);
  return result;
}

/** Drop timers whose job finished from their entries, as the sweep read them (one write per entry). */
async function dropFinished(finished: Candidate[]): Promise<void> {
  const byEntry = new Map<string, { entry: SweptEntry; keys: Set<string> }>();
  for (const c of finished) {
    const slot = byEntry.get(c.entry._id) ?? { entry: c.entry, keys: new Set<string>() };
    slot.keys.add(c.key);
    byEntry.set(c.entry._id, slot);
  }
  const ops: import('mongodb').AnyBulkWriteOperation<TimerScheduleRecord>[] = [];
  for (const { entry, keys } of byEntry.values()) {
    const fields = scheduleFields(entry.keys.flatMap((key, i) => (keys.has(key) ? [] : [{ key, fireAt: entry.at[i]! }])));
    ops.push(fields ? { updateOne: { filter: { _id: entry._id }, update: { $set: fields } } } : { deleteOne: { filter: { _id: entry._id } } });
  }
  for (let i = 0; i < ops.length; i += 1000) await schedules().bulkWrite(ops.slice(i, i + 1000), { ordered: false });
}

export interface RebuildResult {
  /** Tickets whose clock can run. */
  tickets: number;
  /** Entries written (missing, or missing a timer the ticket still has). */
  written: number;
  ms: number;
}

/**
 * Rebuild the schedule from the tickets: each ticket whose clock can run gets
 * an entry holding every timer it still has. Entries already right are left
 * alone (they may hold a timer too many: it runs once and trims). This is the
 * slow scan the sweep avoids (every ticket document is read), so it runs
 * rarely: see reconcileTimersJob.
 */
export async function rebuildTimerSchedule(): Promise<RebuildResult> {
  const started = performance.now();
  const have = new Map<string, Map<string, number>>();
  for await (const e of schedules().find({}, { projection: { keys: 1, at: 1 }, batchSize: 5000 })) {
    have.set(e._id, new Map(e.keys.map((k, i) => [k, new Date(e.at[i]!).getTime()])));
  }
  const result: RebuildResult = { tickets: 0, written: 0, ms: 0 };
  // Missing entries are inserted (cheap); one a write-ahead put there meanwhile is newer and stays (duplicate key).
  let inserts: TimerScheduleRecord[] = [];
  let replaces: import('mongodb').AnyBulkWriteOperation<TimerScheduleRecord>[] = [];
  const write = async () => {
    // Only the entries inserted count as repaired: a duplicate is one a dispatch wrote since the entries were read.
    if (inserts.length) result.written += await schedules().insertMany(inserts, { ordered: false }).then(
      () => inserts.length,
      (err) => {
        const duplicates = (err as { writeErrors?: { code?: number }[] }).writeErrors;
        if (!duplicates?.every((e) => e.code === 11000)) throw err;
        return inserts.length - duplicates.length;
      },
    );
    if (replaces.length) await schedules().bulkWrite(replaces, { ordered: false });
    result.written += replaces.length;
    inserts = [];
    replaces = [];
  };
  const cursor = Ticket.collection.find(
    { status: { $in: CLOCK_CAN_RUN }, 'deadlines.version': { $exists: true } },
    { projection: { status: 1, history: 1, deadlines: 1 }, batchSize: 1000 },
  );
  for await (const t of cursor as unknown as AsyncIterable<TicketDoc>) {
    const d = storedDeadlines(t);
    if (!d) continue;
    result.tickets++;
    const timers = scheduledTimers(t);
    if (timers.length === 0) continue;
    const _id = timerScheduleId(t._id.toHexString(), d.version);
    const entry = have.get(_id);
    if (entry && timers.every((x) => entry.get(x.key) === new Date(x.fireAt).getTime())) continue;
    const fields = { ticketId: t._id, version: d.version, ...scheduleFields(timers)!, writtenAt: new Date() };
    if (entry) replaces.push({ replaceOne: { filter: { _id }, replacement: fields, upsert: true } });
    else inserts.push({ _id, ...fields });
    if (inserts.length + replaces.length >= 1000) await write();
  }
  await write();
  result.ms = Math.round(performance.now() - started);
  return result;
}

/**
 * The scheduled run's rebuild, when due (see REBUILD_EVERY_MS): one process at
 * a time (a Redis lock: a rebuild of 100,000 tickets takes minutes on
 * FerretDB); each run is recorded in timer_schedule_runs.
 */
export async function rebuildTimerScheduleIfDue(queue: Queue, now = new Date()): Promise<RebuildResult | null> {
  const last = await TimerScheduleRun.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean();
  if (last) {
    const age = now.getTime() - Date.parse(last._id);
    const night = REBUILD_NIGHT_HOURS.includes(Number(formatShanghai(now).slice(11, 13)));
    if (age < REBUILD_EVERY_MS || (!night && age < 3 * REBUILD_EVERY_MS)) return null;
  }
  const client = await redisOf(queue);
  const lock = queue.toKey(REBUILD_LOCK);
  if ((await client.set(lock, String(process.pid), 'PX', 3600_000, 'NX')) !== 'OK') return null;
  try {
    const startedAt = new Date();
    const res = await rebuildTimerSchedule();
    await TimerScheduleRun.collection.insertOne({ _id: startedAt.toISOString(), ...res } as never);
    return res;
  } finally {
    await client.del(lock);
  }
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
    await scheduleAhead(t, next);
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
