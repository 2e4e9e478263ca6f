/**
 * Time-limit configuration (issue 4): the versioned policy table and the
 * working calendar with admin overrides. Reads are what dispatch uses; writes
 * are admin-only and leave an audit record. A change applies to tickets
 * dispatched after it: tickets keep the policy and deadlines they were given.
 */
import { WorkCalendar, DEFAULT_WORKING_PERIODS, type WorkingPeriod, type DayOverride } from '../domain/calendar.ts';
import { DEFAULT_POLICY_TABLE, policyTableProblems, type PolicyTable } from '../domain/deadlines.ts';
import type { TimeLimitRule, TimeLimitSettings } from '../domain/time-limits.ts';
import type { Actor } from '../domain/ticket.ts';
import { CalendarOverride, CalendarYear, PolicySet, TimeLimitAudit, type PolicySetRecord } from '../data/models/index.ts';
import { isDuplicateKey } from '../data/db.ts';
import { ConflictError, ValidationError } from '../errors.ts';

// ---------------------------------------------------------------------------
// Policy table

function toTable(doc: PolicySetRecord | null): PolicyTable {
  if (!doc) return DEFAULT_POLICY_TABLE;
  return { version: doc._id, rules: doc.rules, settings: doc.settings };
}

/** The policy table in force: the highest stored version, or the built-in defaults (version 0). */
export async function currentPolicyTable(): Promise<PolicyTable & { at?: Date; by?: { id: string; name: string }; note?: string }> {
  const doc = await PolicySet.findOne({}).sort({ _id: -1 }).lean<PolicySetRecord>();
  return doc ? { ...toTable(doc), at: doc.at, by: doc.by, ...(doc.note ? { note: doc.note } : {}) } : DEFAULT_POLICY_TABLE;
}

const POLICY_TTL_MS = 1000;
let policyCache: { at: number; table: Promise<PolicyTable> } | null = null;

/**
 * The table dispatch uses, re-read at most once a second rather than for
 * every dispatched ticket. A change made in this process applies to the next
 * dispatch; one made through another process within that second.
 */
export function policyTableForDispatch(): Promise<PolicyTable> {
  if (!policyCache || Date.now() - policyCache.at > POLICY_TTL_MS) {
    const table = currentPolicyTable();
    policyCache = { at: Date.now(), table };
    table.catch(() => (policyCache = null));
  }
  return policyCache.table;
}

/**
 * Store a new version of the table, written over the version the admin saw.
 * Two concurrent edits from the same version: one wins (unique _id), the other gets 409.
 */
export async function updatePolicyTable(
  expectedVersion: number,
  rules: TimeLimitRule[],
  settings: TimeLimitSettings,
  note: string | undefined,
  by: Actor,
): Promise<PolicyTable> {
  const problems = policyTableProblems(rules, settings);
  if (problems.length) throw new ValidationError(problems);
  const current = await currentPolicyTable();
  if (current.version !== expectedVersion) throw policyConflict(expectedVersion, current.version);
  const doc: PolicySetRecord = {
    _id: expectedVersion + 1,
    rules,
    settings,
    ...(note ? { note } : {}),
    by: { id: by.id, name: by.name },
    at: new Date(),
  };
  try {
    await PolicySet.collection.insertOne(doc as never);
  } catch (err) {
    if (isDuplicateKey(err)) throw policyConflict(expectedVersion, expectedVersion + 1);
    throw err;
  }
  policyCache = null;
  await TimeLimitAudit.create({
    at: doc.at,
    action: 'policy_updated',
    by: { id: by.id, name: by.name, role: by.role },
    data: { from: expectedVersion, to: doc._id, note: note ?? null, rules: rules.length },
  });
  return toTable(doc);
}

function policyConflict(expected: number, current: number) {
  return new ConflictError('version_conflict', '时限规则已被他人修改，请刷新后重试 (policy table changed since it was read)', {
    expectedVersion: expected,
    currentVersion: current,
  });
}

/** Every stored version, newest first (the record of policy changes). */
export async function policyVersions(limit = 50) {
  const docs = await PolicySet.find({}).sort({ _id: -1 }).limit(limit).lean<PolicySetRecord[]>();
  return docs.map((d) => ({ version: d._id, at: d.at, by: d.by, note: d.note ?? null, rules: d.rules, settings: d.settings }));
}

// ---------------------------------------------------------------------------
// Calendar

let workingPeriods: readonly WorkingPeriod[] = DEFAULT_WORKING_PERIODS;
/** Set once per process from config (WORKING_HOURS). */
export function setWorkingPeriods(periods: readonly WorkingPeriod[]): void {
  new WorkCalendar({ workingPeriods: periods }); // throws on a bad configuration
  workingPeriods = periods;
  invalidateCalendar();
}

const CALENDAR_TTL_MS = 5000;
let cached: { at: number; calendar: Promise<WorkCalendar> } | null = null;

/** Drop the cached calendar (after an admin edit in this process; other processes refresh within 5 s). */
export function invalidateCalendar(): void {
  cached = null;
}

async function loadCalendar(): Promise<WorkCalendar> {
  const [overrides, years] = await Promise.all([CalendarOverride.find({}, { kind: 1 }).lean(), CalendarYear.find({}, { _id: 1 }).lean()]);
  return new WorkCalendar({
    workingPeriods,
    overrides: Object.fromEntries(overrides.map((o) => [o._id, o.kind as DayOverride])),
    confirmedYears: years.map((y) => Number(y._id)),
  });
}

/** The calendar with the admins' overrides (cached a few seconds; its day cache is what makes it fast). */
export async function currentCalendar(): Promise<WorkCalendar> {
  if (!cached || Date.now() - cached.at > CALENDAR_TTL_MS) {
    const calendar = loadCalendar();
    cached = { at: Date.now(), calendar };
    calendar.catch(() => (cached = null));
  }
  return cached.calendar;
}

export async function setCalendarOverride(date: string, kind: DayOverride, note: string | undefined, by: Actor) {
  const before = await CalendarOverride.findById(date).lean();
  const doc = { kind, ...(note ? { note } : {}), by: { id: by.id, name: by.name }, at: new Date() };
  await CalendarOverride.updateOne({ _id: date }, { $set: doc, ...(note ? {} : { $unset: { note: 1 } }) }, { upsert: true });
  await TimeLimitAudit.create({
    at: doc.at,
    action: 'calendar_override_set',
    by: { id: by.id, name: by.name, role: by.role },
    data: { date, kind, note: note ?? null, previous: before?.kind ?? null },
  });
  invalidateCalendar();
  return { date, ...doc };
}

export async function removeCalendarOverride(date: string, by: Actor): Promise<boolean> {
  const res = await CalendarOverride.deleteOne({ _id: date });
  if (res.deletedCount) {
    await TimeLimitAudit.create({ at: new Date(), action: 'calendar_override_removed', by: { id: by.id, name: by.name, role: by.role }, data: { date } });
    invalidateCalendar();
  }
  return res.deletedCount > 0;
}

export async function confirmCalendarYear(year: number, note: string | undefined, by: Actor) {
  const at = new Date();
  await CalendarYear.updateOne({ _id: year }, { $set: { by: { id: by.id, name: by.name }, at, ...(note ? { note } : {}) } }, { upsert: true });
  await TimeLimitAudit.create({ at, action: 'calendar_year_confirmed', by: { id: by.id, name: by.name, role: by.role }, data: { year, note: note ?? null } });
  invalidateCalendar();
}

/** What admins see: the year's overrides, where its holidays come from, and what they must confirm. */
export async function calendarStatus(year: number, now = new Date()) {
  const calendar = await currentCalendar();
  const overrides = await CalendarOverride.find({ _id: { $gte: `${year}-01-01`, $lte: `${year}-12-31` } })
    .sort({ _id: 1 })
    .lean();
  // This year and the next: limits run into the next year from November on.
  const horizon = new Date(now.getTime() + 400 * 24 * 3600 * 1000);
  return {
    year,
    workingPeriods: calendar.workingPeriods,
    coverage: calendar.coverage(year),
    overrides: overrides.map((o) => ({ date: o._id, kind: o.kind, note: o.note ?? null, by: o.by, at: o.at })),
    warnings: calendar.coverageWarnings(now, horizon),
  };
}

export async function timeLimitAuditLog(limit = 100) {
  return TimeLimitAudit.find({}).sort({ at: -1 }).limit(limit).lean();
}
