/**
 * Deadlines as stored on a ticket, and the pure rules of the timers that watch
 * them (issue 4). Plain data in, plain data out: the services read the policy
 * table and the calendar, call these, and write the result through
 * applyTicketChange.
 *
 * `ticket.deadlines` holds everything the timers need, so a timer, the
 * reconcile job or an extension never recompute a deadline from a policy that
 * may have changed since dispatch (a policy change applies to newly dispatched
 * tickets only):
 *   - version: bumped whenever any deadline changes; timer job ids carry it and
 *     a job for an older version does nothing;
 *   - the resolved policy snapshot (limits, settings) and the policy-table version;
 *   - per milestone: committed and statutory limits and due instants, warning
 *     and ladder instants;
 *   - timers: one per milestone × level with the delivery instant;
 *   - fired: the `milestone.level` keys already acted on for this version.
 */
import { tzOffset } from '@date-fns/tz';
import type { WorkCalendar } from './calendar.ts';
import { CALENDAR_TIME_ZONE } from './calendar.ts';
import {
  computeDeadlines,
  DEFAULT_TIME_LIMIT_RULES,
  DEFAULT_TIME_LIMIT_SETTINGS,
  extendDeadline,
  MILESTONES,
  selectTimeLimitPolicy,
  timerSchedule,
  validatePolicy,
  type EscalationLevel,
  type Milestone,
  type MilestoneDeadline,
  type TicketDeadlines,
  type TimeLimitPolicy,
  type TimeLimitRule,
  type TimeLimitSettings,
} from './time-limits.ts';
import { REQUEST_TYPE_KEYS, URGENCY_KEYS, type HistoryEvent, type RequestType, type TicketStatus, type Urgency } from './ticket.ts';

export const ESCALATION_LEVELS: readonly EscalationLevel[] = ['warning', 'due', 'reminderNotice', 'supervision'];
/** Ticket-level escalation: the highest level reached by any milestone ('none' before the first). */
export type Escalation = 'none' | EscalationLevel;
export const ESCALATION_KEYS = ['none', ...ESCALATION_LEVELS] as [Escalation, ...Escalation[]];

export const MILESTONE_NAMES: Record<Milestone, string> = { accept: '签收', contact: '先行联系', resolve: '办结' };
export const LEVEL_NAMES: Record<EscalationLevel, string> = {
  warning: '时限预警',
  due: '超期',
  reminderNotice: '催办通知',
  supervision: '督办',
};

/** City defaults: domain.md §4 plus extensions of at most 10 working days in all (Shandong). */
export const DEFAULT_SETTINGS: TimeLimitSettings = Object.freeze({ ...DEFAULT_TIME_LIMIT_SETTINGS, maxExtensionWorkingDays: 10 });

export interface PolicyTable {
  /** 0 = the built-in defaults (no admin edit yet). */
  readonly version: number;
  readonly rules: readonly TimeLimitRule[];
  readonly settings: TimeLimitSettings;
}

export const DEFAULT_POLICY_TABLE: PolicyTable = Object.freeze({ version: 0, rules: DEFAULT_TIME_LIMIT_RULES, settings: DEFAULT_SETTINGS });

export interface StoredTimer {
  readonly key: string;
  readonly milestone: Milestone;
  readonly level: EscalationLevel;
  readonly at: Date;
  readonly fireAt: Date;
}

export interface ExtensionRequest {
  readonly id: string;
  readonly workingDays: number;
  readonly reason: string;
  readonly by: { id: string; name: string; unitId: string };
  readonly at: Date;
}

export interface StoredDeadlines {
  readonly version: number;
  readonly policyVersion: number;
  readonly policy: TimeLimitPolicy;
  readonly dispatchedAt: Date;
  /** The lead unit the clock runs for. */
  readonly unitId: string;
  readonly accept?: MilestoneDeadline;
  readonly contact?: MilestoneDeadline;
  readonly resolve: MilestoneDeadline;
  readonly warnings: readonly string[];
  readonly timers: readonly StoredTimer[];
  readonly fired: readonly string[];
  /** Milestones whose deadline passed unmet (red light) under the current deadlines. */
  readonly overdueMilestones: readonly Milestone[];
  readonly escalation: Escalation;
  /** An extension request waiting for the center's decision. */
  readonly extensionRequest?: ExtensionRequest | null;
}

// ---------------------------------------------------------------------------
// Policy table

/** Validates a policy table: every rule consistent, every type × urgency covered. Returns the problems by field. */
export function policyTableProblems(rules: readonly TimeLimitRule[], settings: TimeLimitSettings): { field: string; problem: string }[] {
  const problems: { field: string; problem: string }[] = [];
  const base = { ...settings, warnAt: settings.warnAt };
  try {
    validatePolicy({ ...base, committed: { resolve: { unit: 'workingDays', amount: 1 } }, statutory: { resolve: { unit: 'workingDays', amount: 1 } } });
  } catch (err) {
    problems.push({ field: 'settings', problem: (err as Error).message });
    return problems;
  }
  if (settings.maxExtensionWorkingDays !== undefined && (!Number.isInteger(settings.maxExtensionWorkingDays) || settings.maxExtensionWorkingDays < 1)) {
    problems.push({ field: 'settings.maxExtensionWorkingDays', problem: '应为正整数 (positive whole number)' });
  }
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const id = `${rule.type}|${rule.urgency}|${rule.categoryCode ?? '*'}`;
    if (seen.has(id)) problems.push({ field: `rules.${i}`, problem: `重复的规则 (duplicate rule ${id})` });
    seen.add(id);
    try {
      const policy = { ...base, committed: rule.committed, statutory: rule.statutory, warnAt: rule.warnAt ?? settings.warnAt };
      validatePolicy(policy);
      for (const m of MILESTONES) {
        const c = rule.committed[m];
        const s = rule.statutory[m];
        if (c && s && c.unit === s.unit && c.amount > s.amount) {
          problems.push({ field: `rules.${i}.committed.${m}`, problem: '承诺时限不能长于法定时限 (committed limit longer than statutory)' });
        }
      }
    } catch (err) {
      problems.push({ field: `rules.${i}`, problem: (err as Error).message });
    }
  });
  if (problems.length) return problems;
  for (const type of REQUEST_TYPE_KEYS) {
    for (const urgency of URGENCY_KEYS) {
      try {
        selectTimeLimitPolicy({ type, urgency }, rules, settings);
      } catch (err) {
        problems.push({ field: 'rules', problem: `${type}/${urgency}: ${(err as Error).message}` });
      }
    }
  }
  return problems;
}

export interface DeadlineTicket {
  readonly type: RequestType;
  readonly urgency: Urgency;
  readonly category?: { code?: string } | null;
  readonly complex?: boolean;
}

export function policyFor(t: DeadlineTicket, table: PolicyTable): TimeLimitPolicy {
  return selectTimeLimitPolicy(
    { type: t.type, urgency: t.urgency, ...(t.category?.code ? { categoryCode: t.category.code } : {}), ...(t.complex ? { complex: true } : {}) },
    table.rules,
    table.settings,
  );
}

// ---------------------------------------------------------------------------
// Deadlines on the ticket

function toStoredTimers(deadlines: TicketDeadlines, calendar: WorkCalendar): StoredTimer[] {
  return timerSchedule(deadlines, calendar).map((s) => ({ key: s.key, milestone: s.milestone, level: s.level, at: s.at, fireAt: s.fireAt }));
}

function pickMilestones(d: TicketDeadlines) {
  return {
    dispatchedAt: d.dispatchedAt,
    ...(d.accept ? { accept: d.accept } : {}),
    ...(d.contact ? { contact: d.contact } : {}),
    resolve: d.resolve,
    warnings: d.warnings,
  };
}

/** Deadlines of a ticket dispatched at `at` to `unitId` (a fresh clock: nothing fired yet). */
export function deadlinesForDispatch(
  t: DeadlineTicket & { deadlines?: unknown },
  unitId: string,
  table: PolicyTable,
  at: Date,
  calendar: WorkCalendar,
): StoredDeadlines {
  const policy = policyFor(t, table);
  const computed = computeDeadlines(policy, at, calendar);
  return {
    version: currentVersion(t) + 1,
    policyVersion: table.version,
    policy,
    unitId,
    ...pickMilestones(computed),
    timers: toStoredTimers(computed, calendar),
    fired: [],
    overdueMilestones: [],
    escalation: 'none',
    extensionRequest: null,
  };
}

export function currentVersion(t: { deadlines?: unknown }): number {
  const v = (t.deadlines as { version?: unknown } | undefined)?.version;
  return typeof v === 'number' ? v : 0;
}

/**
 * How deadlines are kept on the ticket: what queries, the board and the
 * metrics read (version, escalation, overdue milestones, a pending extension,
 * each milestone's due and warning instants) as fields of their own, and the
 * whole StoredDeadlines once more as one JSON string. FerretDB stores a type
 * schema beside every value, repeated for each element of an array of objects:
 * as nested fields the deadlines took 7.6 KB of a dispatched ticket, 5.2 KB of
 * it schema, and every read and update of the ticket paid for them; a string
 * costs its length. The copies are written only with the string, so they never
 * disagree with it. The string is compact (see compactJson): it is stored on
 * every timed ticket and again in each change's claim.
 */
export interface DeadlinesRecord {
  readonly version: number;
  readonly escalation: Escalation;
  readonly overdueMilestones: readonly Milestone[];
  readonly extensionRequest: ExtensionRequest | null;
  readonly accept?: Pick<MilestoneDeadline, 'dueAt' | 'warningAt'>;
  readonly contact?: Pick<MilestoneDeadline, 'dueAt' | 'warningAt'>;
  readonly resolve: Pick<MilestoneDeadline, 'dueAt' | 'warningAt'>;
  /** The whole StoredDeadlines as JSON: compactJson, or before it JSON.stringify (instants as ISO strings). */
  readonly json: string;
}

/** Each stored form is decoded once (a ticket's deadlines are read several times per change). */
const decoded = new WeakMap<object, unknown>();

export function deadlinesRecord(d: StoredDeadlines): DeadlinesRecord {
  const instants = (m: MilestoneDeadline) => ({ dueAt: m.dueAt, warningAt: m.warningAt });
  const record: DeadlinesRecord = {
    version: d.version,
    escalation: d.escalation,
    overdueMilestones: d.overdueMilestones,
    extensionRequest: d.extensionRequest ?? null,
    ...(d.accept ? { accept: instants(d.accept) } : {}),
    ...(d.contact ? { contact: instants(d.contact) } : {}),
    resolve: instants(d.resolve),
    json: compactJson(d),
  };
  // The writer reads the ticket it just wrote (timers are scheduled from it): no need to parse the string back.
  decoded.set(record, d);
  return record;
}

/**
 * StoredDeadlines as JSON, without what can be told from the rest: FerretDB
 * pays per byte on every read and update of a ticket, and escapes each quote
 * of a string (a plain dispatch's: 2,562 → 1,216 characters).
 * Instants are epoch milliseconds; a timer is [key, at] or [key, at, fireAt]
 * when it is delivered later than due (its milestone and level are its key);
 * a milestone's statutory limit and due instant, and the policy's statutory
 * limits, are left out when they equal the committed ones.
 */
export function compactJson(d: StoredDeadlines): string {
  const milestone = (m: MilestoneDeadline) => ({
    limit: m.limit,
    ...(sameJson(m.statutoryLimit, m.limit) ? {} : { statutoryLimit: m.statutoryLimit }),
    dueAt: +m.dueAt,
    ...(+m.statutoryDueAt === +m.dueAt ? {} : { statutoryDueAt: +m.statutoryDueAt }),
    warningAt: +m.warningAt,
    ...(m.reminderNoticeAt ? { reminderNoticeAt: +m.reminderNoticeAt } : {}),
    ...(m.supervisionAt ? { supervisionAt: +m.supervisionAt } : {}),
    extendedWorkingDays: m.extendedWorkingDays,
  });
  const { statutory, ...policy } = d.policy;
  return JSON.stringify({
    ...d,
    policy: sameJson(statutory, d.policy.committed) ? policy : d.policy,
    dispatchedAt: +d.dispatchedAt,
    ...(d.accept ? { accept: milestone(d.accept) } : {}),
    ...(d.contact ? { contact: milestone(d.contact) } : {}),
    resolve: milestone(d.resolve),
    timers: d.timers.map((x) =>
      x.key !== `${x.milestone}.${x.level}` ? { ...x, at: +x.at, fireAt: +x.fireAt } : +x.fireAt === +x.at ? [x.key, +x.at] : [x.key, +x.at, +x.fireAt],
    ),
    ...(d.extensionRequest ? { extensionRequest: { ...d.extensionRequest, at: +d.extensionRequest.at } } : {}),
  });
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The keys of StoredDeadlines (and its timers and extension request) that hold instants: ISO strings before compactJson, numbers since. */
const INSTANT_KEYS = new Set(['dispatchedAt', 'dueAt', 'statutoryDueAt', 'warningAt', 'reminderNoticeAt', 'supervisionAt', 'at', 'fireAt']);
const reviveInstants = (key: string, value: unknown) => ((typeof value === 'string' || typeof value === 'number') && INSTANT_KEYS.has(key) ? new Date(value) : value);

/** StoredDeadlines from its JSON, in either form (compactJson, or the whole object as JSON.stringify wrote it). */
function parseDeadlines(json: string): Partial<StoredDeadlines> {
  type Loose = Record<string, unknown>;
  const d = JSON.parse(json, reviveInstants) as Loose;
  const milestone = (m: Loose | undefined) => m && { ...m, statutoryLimit: m.statutoryLimit ?? m.limit, statutoryDueAt: m.statutoryDueAt ?? m.dueAt };
  const policy = d.policy as Loose | undefined;
  const timer = (x: unknown) => {
    if (!Array.isArray(x)) return x;
    const [key, at, fireAt] = x as [string, number, number?];
    const [milestone, level] = key.split('.');
    return { key, milestone, level, at: new Date(at), fireAt: new Date(fireAt ?? at) };
  };
  return {
    ...d,
    ...(policy ? { policy: { ...policy, statutory: policy.statutory ?? policy.committed } } : {}),
    ...(d.accept ? { accept: milestone(d.accept as Loose) } : {}),
    ...(d.contact ? { contact: milestone(d.contact as Loose) } : {}),
    ...(d.resolve ? { resolve: milestone(d.resolve as Loose) } : {}),
    ...(Array.isArray(d.timers) ? { timers: d.timers.map(timer) } : {}),
  } as Partial<StoredDeadlines>;
}

/** The ticket's deadlines, from either stored form (DeadlinesRecord, or the nested fields written before it); null when it has none. */
export function storedDeadlines(t: { deadlines?: unknown }): StoredDeadlines | null {
  const raw = t.deadlines;
  if (!raw || typeof raw !== 'object') return null;
  let d = decoded.get(raw) as Partial<StoredDeadlines> | undefined;
  if (!d) {
    const json = (raw as { json?: unknown }).json;
    d = typeof json === 'string' ? parseDeadlines(json) : (raw as Partial<StoredDeadlines>);
    decoded.set(raw, d);
  }
  return typeof d.version === 'number' && Array.isArray(d.timers) ? (d as StoredDeadlines) : null;
}

/**
 * An approved extension: the resolve deadlines move by `workingDays`, a new
 * version, the resolve timers start again; what accept and contact already
 * reached stays.
 */
export function deadlinesAfterExtension(d: StoredDeadlines, workingDays: number, calendar: WorkCalendar): StoredDeadlines {
  const extended = extendDeadline(d as unknown as TicketDeadlines, workingDays, d.policy, calendar);
  const keep = (key: string) => !key.startsWith('resolve.');
  const overdueMilestones = d.overdueMilestones.filter((m) => m !== 'resolve');
  const fired = d.fired.filter(keep);
  return {
    ...d,
    ...pickMilestones(extended),
    version: d.version + 1,
    timers: toStoredTimers(extended, calendar),
    fired,
    overdueMilestones,
    escalation: escalationOf(fired),
    extensionRequest: null,
  };
}

/** The highest level among fired keys. */
export function escalationOf(fired: readonly string[]): Escalation {
  let best = -1;
  for (const key of fired) best = Math.max(best, ESCALATION_LEVELS.indexOf(key.split('.')[1] as EscalationLevel));
  return best < 0 ? 'none' : ESCALATION_LEVELS[best]!;
}

// ---------------------------------------------------------------------------
// Timers

/** BullMQ job id of one timer (custom ids must not contain ':'). */
export function timerJobId(ticketId: string, version: number, milestone: Milestone, level: EscalationLevel): string {
  return `t-${ticketId}-v${version}-${milestone}-${level}`;
}

/** Statuses in which the unit holds the ticket and its clock runs. */
export const TIMED_STATUSES: readonly TicketStatus[] = ['dispatched', 'accepted', 'return_requested'];

export interface TimerTicket {
  readonly status: TicketStatus;
  readonly deadlines?: unknown;
  readonly history: readonly Pick<HistoryEvent, 'type' | 'at'>[];
}

/**
 * History event types that meet a milestone (the workflow records them). A
 * reply also answers for the first contact, as the status 'replied' always
 * did; recorded as an event it stays met when a rejected review sends the
 * ticket back to 'accepted' (the contact clock does not start again then).
 */
export const MILESTONE_EVENTS: Record<Milestone, readonly string[]> = {
  accept: ['accepted'],
  contact: ['contacted', 'replied'],
  resolve: ['replied'],
};
/** Statuses that prove a milestone met whatever the history says. */
const MET_BY_STATUS: Record<Milestone, readonly TicketStatus[]> = {
  accept: ['accepted', 'replied', 'callback', 'closed'],
  contact: ['replied', 'callback', 'closed'],
  resolve: ['replied', 'callback', 'closed'],
};

/** Whether the unit met the milestone since the current clock started. */
export function milestoneMet(t: TimerTicket, milestone: Milestone): boolean {
  if (MET_BY_STATUS[milestone].includes(t.status)) return true;
  const d = storedDeadlines(t);
  return metInHistory(t.history, milestone, d ? d.dispatchedAt : new Date(0));
}

/** Met by a recorded event since the clock started: history only grows, so this stays true for the deadline version. */
function metInHistory(history: TimerTicket['history'], milestone: Milestone, since: Date): boolean {
  const from = new Date(since).getTime();
  return history.some((h) => MILESTONE_EVENTS[milestone].includes(h.type) && new Date(h.at).getTime() >= from);
}

export type TimerDecision =
  | { kind: 'fire'; timer: StoredTimer; deadlines: StoredDeadlines }
  | { kind: 'skip'; reason: 'no_deadlines' | 'outdated' | 'not_running' | 'met' | 'already_fired' | 'unknown_timer' };

/** What a timer for (version, milestone, level) must do with the ticket as it is now. */
export function decideTimer(t: TimerTicket, version: number, milestone: Milestone, level: EscalationLevel): TimerDecision {
  const d = storedDeadlines(t);
  if (!d) return { kind: 'skip', reason: 'no_deadlines' };
  if (d.version !== version) return { kind: 'skip', reason: 'outdated' };
  if (!TIMED_STATUSES.includes(t.status)) return { kind: 'skip', reason: 'not_running' };
  // A unit that asked to return the ticket is not chased for accepting or contacting it.
  if (t.status === 'return_requested' && milestone !== 'resolve') return { kind: 'skip', reason: 'not_running' };
  const key = `${milestone}.${level}`;
  if (d.fired.includes(key)) return { kind: 'skip', reason: 'already_fired' };
  if (milestoneMet(t, milestone)) return { kind: 'skip', reason: 'met' };
  const timer = d.timers.find((x) => x.key === key);
  if (!timer) return { kind: 'skip', reason: 'unknown_timer' };
  return { kind: 'fire', timer, deadlines: d };
}

// ---------------------------------------------------------------------------
// Timer schedule: what the reconcile sweep reads instead of the tickets

/**
 * Statuses in which a deadline version's timers may still have something to
 * do, now or later: the running clock, and 'replied' (a rejected review sends
 * the ticket back to 'accepted' under the same version). From any other status
 * the clock runs again only under a new deadline version (re-dispatch,
 * arbitration, redo), so the old version's schedule is finished.
 */
export const CLOCK_CAN_RUN: readonly TicketStatus[] = [...TIMED_STATUSES, 'replied'];

/** Timers of `d` not fired and whose milestone no event recorded since the clock started has met. */
export function remainingTimers(d: StoredDeadlines, history: TimerTicket['history']): StoredTimer[] {
  return d.timers.filter((x) => !d.fired.includes(x.key) && !metInHistory(history, x.milestone, d.dispatchedAt));
}

/** What the schedule of the ticket's current deadline version keeps (nothing once its clock cannot run again). */
export function scheduledTimers(t: TimerTicket): StoredTimer[] {
  const d = storedDeadlines(t);
  if (!d || !CLOCK_CAN_RUN.includes(t.status)) return [];
  return remainingTimers(d, t.history);
}

/** Id of the schedule entry of one ticket's deadline version. */
export function timerScheduleId(ticketId: string, version: number): string {
  return `${ticketId}:${version}`;
}

/** The stored form of remaining timers: parallel arrays (small documents scan fast) and the earliest instant; null when none remain. */
export function scheduleFields(timers: readonly Pick<StoredTimer, 'key' | 'fireAt'>[]): { keys: string[]; at: Date[]; next: Date } | null {
  if (timers.length === 0) return null;
  const sorted = [...timers].sort((a, b) => new Date(a.fireAt).getTime() - new Date(b.fireAt).getTime());
  return { keys: sorted.map((x) => x.key), at: sorted.map((x) => new Date(x.fireAt)), next: new Date(sorted[0]!.fireAt) };
}

/**
 * Two schedules written for the same deadline version (competing changes):
 * every timer of either, at its earlier instant. Safe because a timer that is
 * not due on the ticket does nothing, and one that fires early waits.
 */
export function unionOfTimers(
  a: readonly Pick<StoredTimer, 'key' | 'fireAt'>[],
  b: readonly Pick<StoredTimer, 'key' | 'fireAt'>[],
): Pick<StoredTimer, 'key' | 'fireAt'>[] {
  const byKey = new Map<string, Pick<StoredTimer, 'key' | 'fireAt'>>();
  for (const x of [...a, ...b]) {
    const seen = byKey.get(x.key);
    if (!seen || new Date(x.fireAt).getTime() < new Date(seen.fireAt).getTime()) byKey.set(x.key, x);
  }
  return [...byKey.values()];
}

/** Timers whose delivery instant falls by `until` (ms): the ones Redis holds now. */
export function withinHorizon<T extends Pick<StoredTimer, 'fireAt'>>(timers: readonly T[], until: number): T[] {
  return timers.filter((x) => new Date(x.fireAt).getTime() <= until);
}

/** The zone's offset (minutes) of each UTC hour formatted: its offset changes (China's DST until 1991) fell on whole hours. */
const offsetOfHour = new Map<number, number>();

/** An instant as Shanghai wall-clock time, 'yyyy-MM-dd HH:mm' (history notes, notices). */
export function formatShanghai(at: Date): string {
  const t = new Date(at).getTime();
  const hour = Math.floor(t / 3_600_000);
  let offset = offsetOfHour.get(hour);
  if (offset === undefined) {
    offset = tzOffset(CALENDAR_TIME_ZONE, new Date(t));
    if (offsetOfHour.size >= 100_000) offsetOfHour.clear();
    offsetOfHour.set(hour, offset);
  }
  return new Date(t + offset * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The ticket change a firing timer makes: fired key recorded, overdue and escalation fields, one history event. */
export function timerFiredChange(d: StoredDeadlines, timer: StoredTimer, now: Date) {
  const fired = [...d.fired, timer.key];
  const overdueMilestones = timer.level === 'warning' || d.overdueMilestones.includes(timer.milestone) ? d.overdueMilestones : [...d.overdueMilestones, timer.milestone];
  const deadlines: StoredDeadlines = { ...d, fired, overdueMilestones, escalation: escalationOf(fired) };
  const milestone = d[timer.milestone]!;
  const late = Math.max(0, now.getTime() - new Date(timer.fireAt).getTime());
  const event: Omit<HistoryEvent, 'seq'> = {
    at: now,
    type: `${TIME_LIMIT_EVENT_PREFIX}${timer.level}`,
    actor: { id: null, name: '时限监控', role: 'system' },
    note: timerText(timer, milestone),
    data: {
      deadlineVersion: d.version,
      milestone: timer.milestone,
      level: timer.level,
      at: timer.at,
      dueAt: milestone.dueAt,
      ...(late > 60_000 ? { lateMs: late } : {}),
    },
  };
  return { set: { deadlines, overdue: overdueMilestones.length > 0 }, events: [event] };
}

export function timerText(timer: Pick<StoredTimer, 'milestone' | 'level'>, m: Pick<MilestoneDeadline, 'dueAt'>): string {
  const what = MILESTONE_NAMES[timer.milestone];
  const due = formatShanghai(m.dueAt);
  switch (timer.level) {
    case 'warning':
      return `${what}时限将于 ${due} 到期，请抓紧办理（黄灯预警）`;
    case 'due':
      return `${what}时限已于 ${due} 到期，已超期（红灯）`;
    case 'reminderNotice':
      return `${what}超期未办结，发出催办通知（期限 ${due}）`;
    case 'supervision':
      return `${what}超期已逾 5 个工作日，转督办并列入通报`;
  }
}

/** Who is told at each level: the unit's A/B handlers always; managers climb with the level. */
export function recipientPlan(level: EscalationLevel): { handlers: boolean; unitManagers: boolean; ancestorManagers: boolean; centerManagers: boolean } {
  const rank = ESCALATION_LEVELS.indexOf(level);
  return { handlers: true, unitManagers: rank >= 1, ancestorManagers: rank >= 2, centerManagers: rank >= 3 };
}

/** Which console event a level publishes. */
/** History events of time-limit levels are `time_limit_<level>`. */
export const TIME_LIMIT_EVENT_PREFIX = 'time_limit_';

export function levelEvent(level: EscalationLevel): 'warning' | 'overdue' | 'escalated' {
  return level === 'warning' ? 'warning' : level === 'due' ? 'overdue' : 'escalated';
}

// ---------------------------------------------------------------------------
// Extensions (延期)

export function extensionRequestProblem(
  d: StoredDeadlines | null,
  status: TicketStatus,
  workingDays: number,
  now: Date,
): { code: string; message: string } | null {
  if (!d) return { code: 'no_deadlines', message: '工单尚未派单，没有时限 (ticket has no deadlines)' };
  if (!['dispatched', 'accepted'].includes(status)) return { code: 'invalid_state', message: `工单当前状态不能申请延期 (status ${status})` };
  if (d.extensionRequest) return { code: 'extension_pending', message: '已有待审批的延期申请 (an extension request is pending)' };
  if (now.getTime() >= new Date(d.resolve.dueAt).getTime()) {
    return { code: 'deadline_passed', message: '办结时限已过，不能申请延期 (must be asked before the deadline)' };
  }
  const max = d.policy.maxExtensionWorkingDays;
  if (max !== undefined && d.resolve.extendedWorkingDays + workingDays > max) {
    return {
      code: 'extension_too_long',
      message: `延期累计不能超过 ${max} 个工作日，已延期 ${d.resolve.extendedWorkingDays} 个 (at most ${max} working days in all)`,
    };
  }
  return null;
}

/** Re-hydrate Date fields of deadlines that went through JSON (job data, tests). */
export function reviveDeadlines(d: StoredDeadlines): StoredDeadlines {
  const date = (x: unknown) => (x === undefined ? undefined : new Date(x as string));
  const milestone = (m?: MilestoneDeadline) =>
    m && {
      ...m,
      dueAt: date(m.dueAt)!,
      statutoryDueAt: date(m.statutoryDueAt)!,
      warningAt: date(m.warningAt)!,
      ...(m.reminderNoticeAt ? { reminderNoticeAt: date(m.reminderNoticeAt)! } : {}),
      ...(m.supervisionAt ? { supervisionAt: date(m.supervisionAt)! } : {}),
    };
  return {
    ...d,
    dispatchedAt: date(d.dispatchedAt)!,
    ...(d.accept ? { accept: milestone(d.accept)! } : {}),
    ...(d.contact ? { contact: milestone(d.contact)! } : {}),
    resolve: milestone(d.resolve)!,
    timers: d.timers.map((t) => ({ ...t, at: date(t.at)!, fireAt: date(t.fireAt)! })),
  };
}
