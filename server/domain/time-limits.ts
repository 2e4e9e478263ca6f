/**
 * Time limits of a dispatched ticket (domain.md §4) and their escalation
 * ladder (§2 督办). Pure: plain data in, plain data out; all working-time
 * arithmetic goes through the WorkCalendar.
 *
 * The clock runs from dispatch, not from acceptance. Each milestone has a
 * statutory limit and a (usually stricter) committed limit; both deadlines are
 * kept, the committed one drives warnings, timers and escalation.
 */
import type { WorkCalendar } from './calendar.ts';
import type { RequestType, Urgency } from './ticket.ts';

export type Milestone = 'accept' | 'contact' | 'resolve';
export const MILESTONES: readonly Milestone[] = ['accept', 'contact', 'resolve'];

/** clockHours run through nights and holidays; the others only inside working hours of working days. */
export type LimitUnit = 'clockHours' | 'workingHours' | 'workingDays';

export interface TimeLimit {
  readonly unit: LimitUnit;
  /** Hours (may be fractional: 0.5 = 30 min) or whole working days. */
  readonly amount: number;
}

export interface MilestoneLimits {
  readonly accept?: TimeLimit;
  readonly contact?: TimeLimit;
  readonly resolve?: TimeLimit;
}

/**
 * One row of the policy table (stored in time_limit_policy_sets): the
 * most specific row for the ticket's type, urgency and category wins; an
 * 'complex' row (复杂, approved) overlays its milestones on the ticket's row.
 */
export interface TimeLimitRule {
  readonly type: RequestType | '*';
  readonly urgency: Urgency | 'complex';
  /** Subject category code, '*' (default) for any. */
  readonly categoryCode?: string;
  readonly committed: MilestoneLimits;
  readonly statutory: MilestoneLimits;
  /** Share of the limit after which the warning ("yellow light") fires; default from settings. */
  readonly warnAt?: number;
}

/** City-wide counting and escalation settings. */
export interface TimeLimitSettings {
  /** Whether the dispatch day counts as working day 1 (Guangzhou: yes). */
  readonly countStartDay: boolean;
  readonly warnAt: number;
  /** 催办通知 at the start of the Nth working day after the deadline's day. */
  readonly reminderNoticeAfterWorkingDays: number;
  /** 督办 + 通报 (supervision, criticism list) once overdue by N full working days. */
  readonly supervisionAfterWorkingDays: number;
  /** Milestones that climb the ladder past "due"; the others only get warning and due reminders. */
  readonly ladderMilestones: readonly Milestone[];
  /** Upper bound on all extensions of one ticket (Shandong: 10); none when absent. */
  readonly maxExtensionWorkingDays?: number;
}

/** The limits that apply to one ticket: the rule rows resolved plus the settings. */
export interface TimeLimitPolicy extends Omit<TimeLimitSettings, 'warnAt'> {
  readonly committed: MilestoneLimits;
  readonly statutory: MilestoneLimits;
  readonly warnAt: number;
}

export type EscalationLevel = 'warning' | 'due' | 'reminderNotice' | 'supervision';

export interface MilestoneDeadline {
  /** Committed limit: drives the clock. */
  readonly limit: TimeLimit;
  readonly statutoryLimit: TimeLimit;
  readonly dueAt: Date;
  readonly statutoryDueAt: Date;
  readonly warningAt: Date;
  /** Ladder milestones only. */
  readonly reminderNoticeAt?: Date;
  readonly supervisionAt?: Date;
  /** Working days added by approved extensions (延期). */
  readonly extendedWorkingDays: number;
}

export interface TicketDeadlines {
  readonly dispatchedAt: Date;
  readonly accept?: MilestoneDeadline;
  readonly contact?: MilestoneDeadline;
  readonly resolve: MilestoneDeadline;
  /** Calendar coverage warnings (years whose holidays are computed, not official). */
  readonly warnings: readonly string[];
}

export interface TimerSpec {
  /** Stable per ticket: `${milestone}.${level}`; the worker adds ticket id and deadline version. */
  readonly key: string;
  readonly milestone: Milestone;
  readonly level: EscalationLevel;
  /** When the level is reached. */
  readonly at: Date;
  /** When to deliver it: `at`, or for working-time limits the next working instant. */
  readonly fireAt: Date;
}

export type Light = 'green' | 'yellow' | 'red';

// ---------------------------------------------------------------------------
// Defaults (domain.md §4)

const clock = (amount: number): TimeLimit => ({ unit: 'clockHours', amount });
const workingHours = (amount: number): TimeLimit => ({ unit: 'workingHours', amount });
const workingDays = (amount: number): TimeLimit => ({ unit: 'workingDays', amount });

/** Same limits as statutory and committed: a city tightens `committed` in its own table. */
function rule(type: RequestType | '*', urgency: Urgency | 'complex', limits: MilestoneLimits): TimeLimitRule {
  return { type, urgency, committed: limits, statutory: limits };
}

const NORMAL_SHORT: MilestoneLimits = { accept: workingHours(2), contact: workingDays(1), resolve: workingDays(3) };

/**
 * 特急 and 紧急 apply to every type. 一般: consultations, suggestions and praise
 * resolve in 3 working days; help, complaint, report and every type that asks
 * for action (求决, 申诉, 检举, 其他) in 5. 复杂 (approved) resolves in 15.
 */
export const DEFAULT_TIME_LIMIT_RULES: readonly TimeLimitRule[] = Object.freeze([
  rule('*', 'critical', { accept: clock(0.5), contact: clock(1), resolve: clock(2) }),
  rule('*', 'urgent', { accept: clock(1), contact: clock(4), resolve: clock(24) }),
  rule('*', 'normal', { accept: workingHours(2), contact: workingDays(1), resolve: workingDays(5) }),
  rule('consult', 'normal', NORMAL_SHORT),
  rule('suggestion', 'normal', NORMAL_SHORT),
  rule('praise', 'normal', NORMAL_SHORT),
  rule('*', 'complex', { resolve: workingDays(15) }),
]);

export const DEFAULT_TIME_LIMIT_SETTINGS: TimeLimitSettings = Object.freeze({
  countStartDay: false,
  warnAt: 0.75,
  reminderNoticeAfterWorkingDays: 1,
  supervisionAfterWorkingDays: 5,
  ladderMilestones: Object.freeze(['resolve'] as Milestone[]),
});

// ---------------------------------------------------------------------------
// Policy selection

export interface TicketLimitKey {
  readonly type: RequestType;
  readonly urgency: Urgency;
  /** 复杂件, approved by the center. */
  readonly complex?: boolean;
  readonly categoryCode?: string;
}

function bestRule(rules: readonly TimeLimitRule[], urgency: Urgency | 'complex', ticket: TicketLimitKey) {
  let best: TimeLimitRule | undefined;
  let bestScore = -1;
  for (const candidate of rules) {
    const category = candidate.categoryCode ?? '*';
    if (candidate.urgency !== urgency) continue;
    if (candidate.type !== '*' && candidate.type !== ticket.type) continue;
    if (category !== '*' && category !== ticket.categoryCode) continue;
    // A category-specific row beats a type-specific one; ties go to the later row.
    const score = (category === '*' ? 0 : 2) + (candidate.type === '*' ? 0 : 1);
    if (score >= bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** Resolves the policy of one ticket from the rule table and the city settings. */
export function selectTimeLimitPolicy(
  ticket: TicketLimitKey,
  rules: readonly TimeLimitRule[] = DEFAULT_TIME_LIMIT_RULES,
  settings: TimeLimitSettings = DEFAULT_TIME_LIMIT_SETTINGS,
): TimeLimitPolicy {
  const base = bestRule(rules, ticket.urgency, ticket);
  if (!base) throw new Error(`no time-limit rule for type ${ticket.type} with urgency ${ticket.urgency}`);
  const complex = ticket.complex === true ? bestRule(rules, 'complex', ticket) : undefined;
  if (ticket.complex === true && !complex) throw new Error('no time-limit rule for complex tickets');
  const policy: TimeLimitPolicy = {
    ...settings,
    committed: { ...base.committed, ...complex?.committed },
    statutory: { ...base.statutory, ...complex?.statutory },
    warnAt: complex?.warnAt ?? base.warnAt ?? settings.warnAt,
  };
  validatePolicy(policy);
  return policy;
}

function validateLimit(limit: TimeLimit, where: string): void {
  if (!Number.isFinite(limit.amount) || limit.amount <= 0) {
    throw new RangeError(`${where}: amount must be a positive number, got ${limit.amount}`);
  }
  if (limit.unit === 'workingDays' && !Number.isInteger(limit.amount)) {
    throw new RangeError(`${where}: working days must be a whole number, got ${limit.amount}`);
  }
}

/** Throws a RangeError naming the first inconsistency of a policy. */
export function validatePolicy(policy: TimeLimitPolicy): void {
  if (!(policy.warnAt > 0 && policy.warnAt < 1)) throw new RangeError(`warnAt must be between 0 and 1, got ${policy.warnAt}`);
  if (!policy.committed.resolve) throw new RangeError('a resolve limit is required');
  for (const milestone of MILESTONES) {
    const committed = policy.committed[milestone];
    const statutory = policy.statutory[milestone];
    if (!committed !== !statutory) {
      throw new RangeError(`${milestone}: statutory and committed limits must both be set or both be absent`);
    }
    if (committed) validateLimit(committed, `committed ${milestone}`);
    if (statutory) validateLimit(statutory, `statutory ${milestone}`);
  }
  for (const [name, days] of [
    ['reminderNoticeAfterWorkingDays', policy.reminderNoticeAfterWorkingDays],
    ['supervisionAfterWorkingDays', policy.supervisionAfterWorkingDays],
  ] as const) {
    if (!Number.isInteger(days) || days < 1) throw new RangeError(`${name} must be a positive integer, got ${days}`);
  }
}

// ---------------------------------------------------------------------------
// Deadlines

function dueAfter(start: Date, limit: TimeLimit, countStartDay: boolean, calendar: WorkCalendar): Date {
  switch (limit.unit) {
    case 'clockHours':
      return calendar.addClockHours(start, limit.amount);
    case 'workingHours':
      return calendar.addWorkingHours(start, limit.amount);
    case 'workingDays':
      return calendar.addWorkingDays(start, limit.amount, { countStartDay });
  }
}

/** A clock-hour limit that was never extended keeps running on the clock; everything else is working time. */
function runsOnClock(deadline: Pick<MilestoneDeadline, 'limit' | 'extendedWorkingDays'>): boolean {
  return deadline.limit.unit === 'clockHours' && deadline.extendedWorkingDays === 0;
}

/** The instant at which `share` of the time from start to due has elapsed, measured like the limit. */
function warningInstant(start: Date, due: Date, share: number, onClock: boolean, calendar: WorkCalendar): Date {
  if (onClock) return new Date(start.getTime() + Math.round((due.getTime() - start.getTime()) * share));
  return calendar.addWorkingTime(start, Math.round(calendar.workingTimeBetween(start, due) * share));
}

/** Start of the first working period of the Nth working day after the day of `due`. */
function reminderNoticeInstant(due: Date, afterWorkingDays: number, calendar: WorkCalendar): Date {
  let day = due;
  for (let i = 0; i < afterWorkingDays; i++) day = calendar.nextWorkingDay(day);
  return calendar.nextWorkingInstant(day);
}

function buildMilestone(
  dispatchedAt: Date,
  dueAt: Date,
  statutoryDueAt: Date,
  limit: TimeLimit,
  statutoryLimit: TimeLimit,
  extendedWorkingDays: number,
  onLadder: boolean,
  policy: TimeLimitPolicy,
  calendar: WorkCalendar,
): MilestoneDeadline {
  const onClock = runsOnClock({ limit, extendedWorkingDays });
  return {
    limit,
    statutoryLimit,
    dueAt,
    statutoryDueAt,
    warningAt: warningInstant(dispatchedAt, dueAt, policy.warnAt, onClock, calendar),
    ...(onLadder && {
      reminderNoticeAt: reminderNoticeInstant(dueAt, policy.reminderNoticeAfterWorkingDays, calendar),
      // Overdue by N full working days: the close of the Nth working day after the deadline's day.
      supervisionAt: calendar.addWorkingDays(dueAt, policy.supervisionAfterWorkingDays),
    }),
    extendedWorkingDays,
  };
}

function latestInstant(deadlines: Omit<TicketDeadlines, 'warnings'>): Date {
  let latest = deadlines.dispatchedAt.getTime();
  for (const milestone of MILESTONES) {
    const d = deadlines[milestone];
    if (!d) continue;
    for (const instant of [d.dueAt, d.statutoryDueAt, d.supervisionAt]) {
      if (instant) latest = Math.max(latest, instant.getTime());
    }
  }
  return new Date(latest);
}

function withWarnings(deadlines: Omit<TicketDeadlines, 'warnings'>, calendar: WorkCalendar): TicketDeadlines {
  return { ...deadlines, warnings: calendar.coverageWarnings(deadlines.dispatchedAt, latestInstant(deadlines)) };
}

/** Deadlines, warning and escalation instants of every milestone the policy limits. */
export function computeDeadlines(policy: TimeLimitPolicy, dispatchedAt: Date, calendar: WorkCalendar): TicketDeadlines {
  validatePolicy(policy);
  const milestones: Partial<Record<Milestone, MilestoneDeadline>> = {};
  for (const milestone of MILESTONES) {
    const limit = policy.committed[milestone];
    const statutoryLimit = policy.statutory[milestone];
    if (!limit || !statutoryLimit) continue;
    milestones[milestone] = buildMilestone(
      dispatchedAt,
      dueAfter(dispatchedAt, limit, policy.countStartDay, calendar),
      dueAfter(dispatchedAt, statutoryLimit, policy.countStartDay, calendar),
      limit,
      statutoryLimit,
      0,
      policy.ladderMilestones.includes(milestone),
      policy,
      calendar,
    );
  }
  const { resolve } = milestones;
  if (!resolve) throw new RangeError('a resolve limit is required');
  return withWarnings({ dispatchedAt, ...milestones, resolve }, calendar);
}

/**
 * An approved extension (延期): the resolve deadlines, committed and
 * statutory, move by `workingDays` working days counted after the current
 * deadline's day; warning and ladder are recomputed over the longer limit.
 */
export function extendDeadline(
  deadlines: TicketDeadlines,
  workingDays: number,
  policy: TimeLimitPolicy,
  calendar: WorkCalendar,
): TicketDeadlines {
  if (!Number.isInteger(workingDays) || workingDays < 1) {
    throw new RangeError(`an extension must be a positive whole number of working days, got ${workingDays}`);
  }
  const current = deadlines.resolve;
  const total = current.extendedWorkingDays + workingDays;
  if (policy.maxExtensionWorkingDays !== undefined && total > policy.maxExtensionWorkingDays) {
    throw new RangeError(
      `extensions would total ${total} working days, more than the allowed ${policy.maxExtensionWorkingDays}`,
    );
  }
  const resolve = buildMilestone(
    deadlines.dispatchedAt,
    calendar.addWorkingDays(current.dueAt, workingDays),
    calendar.addWorkingDays(current.statutoryDueAt, workingDays),
    current.limit,
    current.statutoryLimit,
    total,
    policy.ladderMilestones.includes('resolve'),
    policy,
    calendar,
  );
  return withWarnings({ ...deadlines, resolve }, calendar);
}

// ---------------------------------------------------------------------------
// Timers and lights

const LEVEL_ORDER: readonly EscalationLevel[] = ['warning', 'due', 'reminderNotice', 'supervision'];

/**
 * Working-time reminders are delivered in working hours: at their instant when
 * it lies inside a working period, its closing instant included (a 17:30
 * deadline is announced at 17:30, not the next morning together with the
 * 催办通知), else at the start of the next working period. Clock-hour limits
 * remind at once, day or night.
 */
function deliveryInstant(at: Date, onClock: boolean, calendar: WorkCalendar): Date {
  if (onClock || calendar.isWithinWorkingHours(at, { includeEnd: true })) return at;
  return calendar.nextWorkingInstant(at);
}

/** One timer per milestone and level, ordered by delivery time. */
export function timerSchedule(deadlines: TicketDeadlines, calendar: WorkCalendar): TimerSpec[] {
  const timers: TimerSpec[] = [];
  for (const milestone of MILESTONES) {
    const d = deadlines[milestone];
    if (!d) continue;
    const onClock = runsOnClock(d);
    const levels: Array<[EscalationLevel, Date | undefined, boolean]> = [
      ['warning', d.warningAt, onClock],
      ['due', d.dueAt, onClock],
      // Escalation notices are working-day acts even for clock-hour limits.
      ['reminderNotice', d.reminderNoticeAt, false],
      ['supervision', d.supervisionAt, false],
    ];
    for (const [level, at, levelOnClock] of levels) {
      if (!at) continue;
      timers.push({ key: `${milestone}.${level}`, milestone, level, at, fireAt: deliveryInstant(at, levelOnClock, calendar) });
    }
  }
  return timers.sort(
    (a, b) =>
      a.fireAt.getTime() - b.fireAt.getTime() ||
      LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) ||
      MILESTONES.indexOf(a.milestone) - MILESTONES.indexOf(b.milestone),
  );
}

/** Traffic light of a milestone at `now`: yellow from the warning on, red once past the deadline. */
export function lightAt(deadline: Pick<MilestoneDeadline, 'warningAt' | 'dueAt'>, now: Date): Light {
  if (now.getTime() > deadline.dueAt.getTime()) return 'red';
  if (now.getTime() >= deadline.warningAt.getTime()) return 'yellow';
  return 'green';
}
