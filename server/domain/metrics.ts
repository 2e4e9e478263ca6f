/**
 * What managers watch (domain.md §5), as pure functions over plain data: the
 * live board (open tickets by status, due soon, overdue by escalation level,
 * by unit) and the on-time rates by unit (及时签收率, 按期办结率). The services
 * read the store and call these; nothing here does I/O.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, eachDayOfInterval, format, startOfMonth, startOfWeek } from 'date-fns';
import { CALENDAR_TIME_ZONE } from './calendar.ts';
import { TIMED_STATUSES } from './deadlines.ts';
import { OPEN_STATUSES, type TicketStatus } from './ticket.ts';

// ---------------------------------------------------------------------------
// The live board

/** The levels of the ladder past the deadline (domain.md §4, deadlines.ts ESCALATION_LEVELS). */
export type OverdueLevel = 'due' | 'reminderNotice' | 'supervision';
export const OVERDUE_LEVELS: readonly OverdueLevel[] = ['due', 'reminderNotice', 'supervision'];

/** Board statuses: the open ones (a merged ticket lives on in its parent). */
export const BOARD_STATUSES: readonly TicketStatus[] = OPEN_STATUSES.filter((s) => s !== 'merged');

type Instant = Date | string | number;
const ms = (x: Instant | null | undefined): number | null => {
  if (x === null || x === undefined) return null;
  const v = new Date(x).getTime();
  return Number.isFinite(v) ? v : null;
};

/** An open ticket as the board reads it (a small projection of the stored ticket). */
export interface BoardTicket {
  id: string;
  number: string;
  title?: string | null;
  content?: string;
  status: TicketStatus;
  urgency: string;
  lead?: { unitId: string; unitName: string } | null;
  scopeUnitIds?: readonly string[];
  overdue?: boolean;
  deadlines?: {
    escalation?: string;
    /** Milestones whose deadline passed unmet (the timers record them). */
    overdueMilestones?: readonly string[];
    accept?: { dueAt?: Instant; warningAt?: Instant } | null;
    contact?: { dueAt?: Instant; warningAt?: Instant } | null;
    resolve?: { dueAt?: Instant; warningAt?: Instant } | null;
    extensionRequest?: { workingDays: number; reason: string; by: { name: string }; at: Instant } | null;
  } | null;
  returnCount?: number;
  version: number;
  createdAt: Instant;
}

export type Light = 'none' | 'ok' | 'warning' | 'overdue';

export interface TicketLight {
  light: Light;
  /** The ladder level of an overdue ticket. */
  level: OverdueLevel | null;
  /** The deadline that matters now (accept while dispatched, resolve after), or the one missed. */
  milestone: 'accept' | 'contact' | 'resolve' | null;
  dueAt: number | null;
}

/**
 * The traffic light of a ticket the unit holds, at `now`. The stored fields
 * (set when the timers fire) are the record; the instant is checked too, so a
 * deadline that passed a moment ago shows red before its timer has run, as the
 * unit's inbox does.
 */
export function lightOf(t: Pick<BoardTicket, 'status' | 'overdue' | 'deadlines'>, now: number): TicketLight {
  const d = t.deadlines;
  if (!d || !TIMED_STATUSES.includes(t.status)) return { light: 'none', level: null, milestone: null, dueAt: null };
  const milestone: 'accept' | 'resolve' = t.status === 'dispatched' && ms(d.accept?.dueAt) !== null ? 'accept' : 'resolve';
  const dueAt = ms(d[milestone]?.dueAt);
  const warningAt = ms(d[milestone]?.warningAt);
  const level = OVERDUE_LEVELS.find((l) => l === d.escalation) ?? 'due';
  if (dueAt !== null && now >= dueAt) return { light: 'overdue', level, milestone, dueAt };
  if (t.overdue) {
    // Red for a deadline missed earlier (accepted late, say): name that one, not the one still running.
    const missed = (['resolve', 'contact', 'accept'] as const).find((m) => d.overdueMilestones?.includes(m) && ms(d[m]?.dueAt) !== null);
    return { light: 'overdue', level, milestone: missed ?? milestone, dueAt: missed ? ms(d[missed]?.dueAt) : dueAt };
  }
  if (warningAt !== null && now >= warningAt) return { light: 'warning', level: null, milestone, dueAt };
  return { light: 'ok', level: null, milestone, dueAt };
}

/** The counts of one lead unit (unitId null: tickets no unit holds yet: routing, manual dispatch, arbitration). */
export interface BoardCell {
  unitId: string | null;
  open: number;
  byStatus: Partial<Record<TicketStatus, number>>;
  dueSoon: number;
  overdue: number;
  levels: Record<OverdueLevel, number>;
  extensions: number;
}

/** One ticket in the board's lists (overdue, pending extensions, arbitration); JSON-safe. */
export interface BoardRow {
  id: string;
  number: string;
  title: string | null;
  /** The start of the request text, for the lists. */
  summary: string;
  status: TicketStatus;
  urgency: string;
  unitId: string | null;
  unitName: string | null;
  scopeUnitIds: string[];
  version: number;
  light: Light;
  level: OverdueLevel | null;
  milestone: 'accept' | 'contact' | 'resolve' | null;
  dueAt: string | null;
  /** The resolve deadline (what an extension moves). */
  resolveDueAt: string | null;
  createdAt: string;
  returnCount: number;
  extensionRequest: { workingDays: number; reason: string; by: string; at: string } | null;
}

export interface BoardData {
  cells: BoardCell[];
  /** Most severe first: highest level, then longest overdue. */
  overdue: BoardRow[];
  /** Oldest request first. */
  extensions: BoardRow[];
  /** Oldest first. */
  arbitration: BoardRow[];
}

const emptyLevels = (): Record<OverdueLevel, number> => ({ due: 0, reminderNotice: 0, supervision: 0 });
const emptyCell = (unitId: string | null): BoardCell => ({ unitId, open: 0, byStatus: {}, dueSoon: 0, overdue: 0, levels: emptyLevels(), extensions: 0 });

function rowOf(t: BoardTicket, l: TicketLight): BoardRow {
  const ext = t.deadlines?.extensionRequest;
  return {
    id: t.id,
    number: t.number,
    title: t.title ?? null,
    summary: (t.content ?? '').slice(0, 120),
    status: t.status,
    urgency: t.urgency,
    unitId: t.lead?.unitId ?? null,
    unitName: t.lead?.unitName ?? null,
    scopeUnitIds: [...(t.scopeUnitIds ?? [])],
    version: t.version,
    light: l.light,
    level: l.level,
    milestone: l.milestone,
    dueAt: l.dueAt === null ? null : new Date(l.dueAt).toISOString(),
    resolveDueAt: ms(t.deadlines?.resolve?.dueAt) === null ? null : new Date(ms(t.deadlines?.resolve?.dueAt)!).toISOString(),
    createdAt: new Date(t.createdAt).toISOString(),
    returnCount: t.returnCount ?? 0,
    extensionRequest: ext ? { workingDays: ext.workingDays, reason: ext.reason, by: ext.by?.name ?? '', at: new Date(ext.at).toISOString() } : null,
  };
}

const LEVEL_RANK: Record<OverdueLevel, number> = { due: 0, reminderNotice: 1, supervision: 2 };

/**
 * Count open tickets by lead unit, and list what needs a manager: overdue,
 * extension requests, arbitration. Incremental (`add` one ticket at a time) so
 * a scan never holds every open ticket in memory.
 */
export function boardAccumulator(now: number, maxRows = 2000) {
  const cells = new Map<string, BoardCell>();
  const overdue: BoardRow[] = [];
  const extensions: BoardRow[] = [];
  const arbitration: BoardRow[] = [];
  return {
    add(t: BoardTicket): void {
      if (!BOARD_STATUSES.includes(t.status)) return;
      const unitId = t.lead?.unitId && TIMED_STATUSES.includes(t.status) ? t.lead.unitId : null;
      const key = unitId ?? '';
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = emptyCell(unitId)));
      const l = lightOf(t, now);
      cell.open++;
      cell.byStatus[t.status] = (cell.byStatus[t.status] ?? 0) + 1;
      if (l.light === 'warning') cell.dueSoon++;
      if (l.light === 'overdue') {
        cell.overdue++;
        cell.levels[l.level!]++;
        overdue.push(rowOf(t, l));
      }
      if (t.deadlines?.extensionRequest && TIMED_STATUSES.includes(t.status)) {
        cell.extensions++;
        extensions.push(rowOf(t, l));
      }
      if (t.status === 'arbitration') arbitration.push(rowOf(t, l));
    },
    result(): BoardData {
      overdue.sort((a, b) => LEVEL_RANK[b.level!] - LEVEL_RANK[a.level!] || (ms(a.dueAt) ?? 0) - (ms(b.dueAt) ?? 0) || a.number.localeCompare(b.number));
      extensions.sort((a, b) => a.extensionRequest!.at.localeCompare(b.extensionRequest!.at));
      arbitration.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      const byUnit = (a: BoardCell, b: BoardCell) => (a.unitId ?? '').localeCompare(b.unitId ?? '');
      return {
        cells: [...cells.values()].sort(byUnit),
        overdue: overdue.slice(0, maxRows),
        extensions: extensions.slice(0, maxRows),
        arbitration: arbitration.slice(0, maxRows),
      };
    },
  };
}

export function boardData(tickets: Iterable<BoardTicket>, now: number, maxRows = 2000): BoardData {
  const acc = boardAccumulator(now, maxRows);
  for (const t of tickets) acc.add(t);
  return acc.result();
}

export interface BoardSummary {
  open: number;
  byStatus: Record<string, number>;
  dueSoon: number;
  overdue: number;
  levels: Record<OverdueLevel, number>;
  extensions: number;
  arbitration: number;
  /** Units holding tickets, most overdue first. */
  units: BoardCell[];
}

/** Add up the cells a viewer may see (`include` decides by lead unit; null = not with a unit yet). */
export function summarize(cells: readonly BoardCell[], include: (unitId: string | null) => boolean = () => true): BoardSummary {
  const s: BoardSummary = { open: 0, byStatus: Object.fromEntries(BOARD_STATUSES.map((x) => [x, 0])), dueSoon: 0, overdue: 0, levels: emptyLevels(), extensions: 0, arbitration: 0, units: [] };
  for (const c of cells) {
    if (!include(c.unitId)) continue;
    s.open += c.open;
    for (const [k, n] of Object.entries(c.byStatus)) s.byStatus[k] = (s.byStatus[k] ?? 0) + n;
    s.dueSoon += c.dueSoon;
    s.overdue += c.overdue;
    for (const l of OVERDUE_LEVELS) s.levels[l] += c.levels[l];
    s.extensions += c.extensions;
    if (c.unitId) s.units.push(c);
  }
  s.arbitration = s.byStatus.arbitration ?? 0;
  s.units.sort((a, b) => b.overdue - a.overdue || b.dueSoon - a.dueSoon || b.open - a.open || a.unitId!.localeCompare(b.unitId!));
  return s;
}

// ---------------------------------------------------------------------------
// On-time rates

/**
 * One deadline a unit had to meet: accept (签收) or resolve (办结) under one
 * dispatch of the ticket to that unit.
 */
export interface MilestoneClock {
  unitId: string;
  milestone: 'accept' | 'resolve';
  dueAt: number;
  metAt: number | null;
  /** When the unit stopped holding the ticket (re-dispatch, approved return); null while it holds it. */
  endedAt: number | null;
}

export interface MetricEvent {
  type: string;
  at: Instant;
  data?: Record<string, unknown> | null;
}

/**
 * Every deadline clock in a ticket's history, from the workflow events only
 * (domain.md §5: numbers come from workflow events):
 *   - `deadlines_set` starts a clock for its unit (a redo keeps the unit);
 *   - `accepted` meets accept; `return_requested` does too: the unit answered the
 *     dispatch in time by saying it is not responsible (its timers stop chasing it);
 *   - `replied` meets resolve (the first reply: a reply sent back by review still met it);
 *   - `extension_approved` moves the resolve deadline, unless that deadline had
 *     already passed: a missed deadline stays missed (a finished day never changes);
 *   - `return_approved` and the next `deadlines_set` end the unit's clock.
 */
export function clocksOf(history: readonly MetricEvent[]): MilestoneClock[] {
  const out: MilestoneClock[] = [];
  let unitId: string | null = null;
  let open: MilestoneClock[] = [];
  const end = (at: number) => {
    for (const c of open) out.push({ ...c, endedAt: c.metAt === null ? at : null });
    open = [];
  };
  const meet = (milestone: 'accept' | 'resolve', at: number) => {
    for (const c of open) if (c.milestone === milestone && c.metAt === null) c.metAt = at;
  };
  for (const h of history) {
    const at = ms(h.at);
    if (at === null) continue;
    const data = h.data ?? {};
    switch (h.type) {
      case 'deadlines_set': {
        end(at);
        unitId = typeof data.unitId === 'string' ? data.unitId : unitId;
        if (!unitId) break;
        const due = (data.dueAt ?? {}) as { accept?: Instant | null; resolve?: Instant | null };
        for (const m of ['accept', 'resolve'] as const) {
          const dueAt = ms(due[m]);
          if (dueAt !== null) open.push({ unitId, milestone: m, dueAt, metAt: null, endedAt: null });
        }
        break;
      }
      case 'accepted':
      case 'return_requested':
        meet('accept', at);
        break;
      case 'replied':
        meet('resolve', at);
        break;
      case 'extension_approved': {
        const dueAt = ms(data.dueAt as Instant | undefined);
        const c = open.find((x) => x.milestone === 'resolve' && x.metAt === null);
        if (c && dueAt !== null && at < c.dueAt) c.dueAt = dueAt;
        break;
      }
      case 'return_approved':
        end(at);
        break;
    }
  }
  for (const c of open) out.push({ ...c });
  return out;
}

/**
 * on_time: met by the deadline; late: met after it, or not met when it passed;
 * pending: not met and not due yet; dropped: the unit stopped holding the
 * ticket before its deadline without meeting it (nothing to count).
 */
export type Outcome = 'on_time' | 'late' | 'pending' | 'dropped';

export function outcomeOf(c: MilestoneClock, now: number): Outcome {
  if (c.metAt !== null) return c.metAt <= c.dueAt ? 'on_time' : 'late';
  if (c.endedAt !== null && c.endedAt < c.dueAt) return 'dropped';
  return now < c.dueAt ? 'pending' : 'late';
}

/** Counts behind the two rates of one unit (or all). */
export interface Tally {
  acceptDue: number;
  acceptOnTime: number;
  resolveDue: number;
  resolveOnTime: number;
}
export const emptyTally = (): Tally => ({ acceptDue: 0, acceptOnTime: 0, resolveDue: 0, resolveOnTime: 0 });

export function addTally(into: Tally, t: Tally): Tally {
  into.acceptDue += t.acceptDue;
  into.acceptOnTime += t.acceptOnTime;
  into.resolveDue += t.resolveDue;
  into.resolveOnTime += t.resolveOnTime;
  return into;
}

/** A share in [0, 1], or null when nothing was due. */
export function rate(onTime: number, due: number): number | null {
  return due > 0 ? onTime / due : null;
}

/**
 * Tally settled deadlines by the day (Asia/Shanghai) they fell on and by
 * unit, for the given days. 按期办结率 is "replied within the limit / due in
 * the period" (domain.md §5); 及时签收率 is counted the same way, on the day of
 * the accept deadline (for limits of hours, the dispatch day), so that a day
 * that has ended never changes and can be stored once. A deadline later today
 * is counted once it is met or has passed.
 */
export function tallyByDay(
  clocks: Iterable<MilestoneClock>,
  now: number,
  days: ReadonlySet<string>,
  out = new Map<string, Map<string, Tally>>(),
): Map<string, Map<string, Tally>> {
  for (const c of clocks) {
    const o = outcomeOf(c, now);
    if (o !== 'on_time' && o !== 'late') continue;
    const day = shanghaiDay(c.dueAt);
    if (!days.has(day)) continue;
    let units = out.get(day);
    if (!units) out.set(day, (units = new Map()));
    let t = units.get(c.unitId);
    if (!t) units.set(c.unitId, (t = emptyTally()));
    if (c.milestone === 'accept') {
      t.acceptDue++;
      if (o === 'on_time') t.acceptOnTime++;
    } else {
      t.resolveDue++;
      if (o === 'on_time') t.resolveOnTime++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Days and periods (Asia/Shanghai)

export function shanghaiDay(instant: Instant): string {
  return format(new TZDate(new Date(instant).getTime(), CALENDAR_TIME_ZONE), 'yyyy-MM-dd');
}

/** Start (inclusive) and end (exclusive) instants of a Shanghai day. */
export function dayBounds(day: string): { start: Date; end: Date } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const start = new TZDate(y, m - 1, d, CALENDAR_TIME_ZONE);
  return { start: new Date(start.getTime()), end: new Date(addDays(start, 1).getTime()) };
}

export type Period = 'today' | 'week' | 'month';
export const PERIODS: readonly Period[] = ['today', 'week', 'month'];

/** The days of a period up to and including today: the week starts on Monday. */
export function periodDays(period: Period, now: Instant): string[] {
  const today = new TZDate(new Date(now).getTime(), CALENDAR_TIME_ZONE);
  const from = period === 'today' ? today : period === 'week' ? startOfWeek(today, { weekStartsOn: 1 }) : startOfMonth(today);
  return eachDayOfInterval({ start: from, end: today }).map((d) => format(d, 'yyyy-MM-dd'));
}

/** Sum the stored per-day tallies (and today's live one) over a period, per unit. */
export function periodTally(days: readonly string[], byDay: ReadonlyMap<string, ReadonlyMap<string, Tally>>): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const day of days) {
    for (const [unitId, t] of byDay.get(day) ?? []) {
      let sum = out.get(unitId);
      if (!sum) out.set(unitId, (sum = emptyTally()));
      addTally(sum, t);
    }
  }
  return out;
}
