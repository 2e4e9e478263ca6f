/**
 * The manager board and the on-time rates, computed once and shared by every
 * viewer (services/shared-snapshot.ts): a thousand consoles cost one scan per
 * interval, never one per request.
 *
 * Board: the open tickets (a small projection) at most every
 * `boardIntervalMs`; consoles ask again when a ticket event arrives, passing
 * the event's instant, so the answer always includes that change. A server
 * keeps the open tickets it read and then re-reads only those the change log
 * (realtime/change-log.ts) names, with a full scan every FULL_SCAN_EVERY_MS
 * and whenever the log does not reach back far enough.
 *
 * Rates (及时签收率, 按期办结率 by unit; today, this week, this month): a
 * finished day is stored once in `metric_days` (insert-only, `_id` = the day:
 * no $inc and no $cond, which FerretDB cannot do safely or at all) and read back
 * by `_id`; days not stored yet (a fresh installation, a day that just ended)
 * and today are tallied from the tickets' workflow events, at most every
 * `ratesIntervalMs`. Week and month are sums of days.
 */
import type { Redis } from 'ioredis';
import { seesAllTickets, type Viewer } from '../domain/access.ts';
import {
  BOARD_STATUSES,
  boardAccumulator,
  clocksOf,
  dayBounds,
  emptyTally,
  PERIODS,
  periodDays,
  periodTally,
  rate,
  shanghaiDay,
  summarize,
  tallyByDay,
  type BoardCell,
  type BoardData,
  type BoardRow,
  type BoardSummary,
  type BoardTicket,
  type MetricEvent,
  type Period,
  type Tally,
} from '../domain/metrics.ts';
import { MetricDay, Ticket, Unit } from '../data/models/index.ts';
import { isDuplicateKey } from '../data/db.ts';
import { SharedSnapshot, type Stamped } from './shared-snapshot.ts';
import { changedSince } from '../realtime/change-log.ts';

interface UnitInfo {
  id: string;
  name: string;
  ancestors: string[];
}

export interface BoardSnapshot {
  units: UnitInfo[];
  data: BoardData;
}

export interface RatesSnapshot {
  today: string;
  units: UnitInfo[];
  periods: Record<Period, { from: string; to: string; units: (Tally & { unitId: string })[] }>;
}

/** A day is stored once it ended this long ago (a change written at 23:59:59 has landed). */
const FINAL_AFTER_MS = 5 * 60_000;
/** Rows of each list sent to one viewer (the totals count them all). */
const LIST_LIMIT = 300;

const BOARD_PROJECTION = {
  number: 1,
  title: 1,
  content: 1,
  status: 1,
  urgency: 1,
  lead: 1,
  scopeUnitIds: 1,
  overdue: 1,
  returnCount: 1,
  version: 1,
  createdAt: 1,
  'deadlines.escalation': 1,
  'deadlines.overdueMilestones': 1,
  'deadlines.contact.dueAt': 1,
  'deadlines.accept.dueAt': 1,
  'deadlines.accept.warningAt': 1,
  'deadlines.resolve.dueAt': 1,
  'deadlines.resolve.warningAt': 1,
  'deadlines.extensionRequest': 1,
} as const;

async function loadUnits(): Promise<UnitInfo[]> {
  const units = await Unit.find({}, { name: 1, ancestors: 1 }).lean();
  return units.map((u) => ({ id: String(u._id), name: u.name, ancestors: u.ancestors ?? [] }));
}

type StoredBoardTicket = Omit<BoardTicket, 'id'> & { _id: { toHexString(): string } };
const boardTicket = (t: StoredBoardTicket): BoardTicket => ({ ...t, id: t._id.toHexString() });

/** Every open ticket, as the board reads it. */
async function scanOpenTickets(): Promise<Map<string, BoardTicket>> {
  const rows = new Map<string, BoardTicket>();
  const cursor = Ticket.find({ status: { $in: BOARD_STATUSES } }, BOARD_PROJECTION).lean().cursor({ batchSize: 2000 });
  for await (const t of cursor as AsyncIterable<StoredBoardTicket>) rows.set(t._id.toHexString(), boardTicket(t));
  return rows;
}

async function boardOf(rows: Iterable<BoardTicket>, at: Date): Promise<BoardSnapshot> {
  const acc = boardAccumulator(at.getTime());
  for (const t of rows) acc.add(t);
  return { units: await loadUnits(), data: acc.result() };
}

/** The board from one scan of every open ticket. */
export async function computeBoard(at: Date): Promise<BoardSnapshot> {
  return boardOf((await scanOpenTickets()).values(), at);
}

/**
 * A full scan at least this often, whatever the change log says (it is best effort), and at most
 * this often relative to its duration (on FerretDB a scan of 10,000 open tickets takes ~13 s).
 */
export const FULL_SCAN_EVERY_MS = 5 * 60_000;
const FULL_SCAN_PAUSE_FACTOR = 10;
/** Changes are read from this long before the last read: writers' clocks differ a little. */
const CLOCK_MARGIN_MS = 5000;

/** The open tickets a server last read, brought up to date from the change log. */
class OpenTickets {
  private rows = new Map<string, BoardTicket>();
  /** When the last read began (changes from then on are not in `rows` for sure). */
  private readAt: number | null = null;
  private fullAt = 0;
  private fullMs = 0;
  fullScans = 0;

  constructor(
    private readonly redis: Redis | null,
    private readonly redisPrefix: string,
  ) {}

  async at(now: number): Promise<Iterable<BoardTicket>> {
    const fullDue = now - this.fullAt >= Math.max(FULL_SCAN_EVERY_MS, FULL_SCAN_PAUSE_FACTOR * this.fullMs);
    const changed = this.redis && this.readAt !== null && !fullDue ? await changedSince(this.redis, this.redisPrefix, this.readAt - CLOCK_MARGIN_MS) : null;
    // Re-reading more tickets than a scan reads (a long quiet spell, then a busy log) costs more than the scan.
    if (changed === null || changed.length > Math.max(this.rows.size, 500)) {
      this.rows = await scanOpenTickets();
      this.fullAt = now;
      this.fullMs = Date.now() - now;
      this.fullScans++;
    } else {
      await this.reread(changed);
    }
    this.readAt = now;
    return this.rows.values();
  }

  private async reread(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const docs = await Ticket.find({ _id: { $in: chunk } }, BOARD_PROJECTION).lean<StoredBoardTicket[]>();
      const found = new Map(docs.map((d) => [d._id.toHexString(), d]));
      for (const id of chunk) {
        const t = found.get(id);
        if (t && BOARD_STATUSES.includes(t.status)) this.rows.set(id, boardTicket(t));
        else this.rows.delete(id);
      }
    }
  }
}

/**
 * Tally the deadlines that fell on `days` from the tickets' histories. A
 * ticket with such a deadline was changed on or after the first day (met,
 * timed out, moved) or still carries it: the filter below finds both. (Not
 * found: a deadline met, then replaced by a redo before the first day although
 * it fell on or after it; a redo comes days after the reply, so this is rare.)
 */
async function tallyDays(days: readonly string[], now: number): Promise<Map<string, Map<string, Tally>>> {
  const from = dayBounds(days[0]!).start;
  const out = new Map<string, Map<string, Tally>>();
  const wanted = new Set(days);
  const filter = { $or: [{ updatedAt: { $gte: from } }, { 'deadlines.resolve.dueAt': { $gte: from } }, { 'deadlines.accept.dueAt': { $gte: from } }] };
  const cursor = Ticket.find(filter, { 'history.type': 1, 'history.at': 1, 'history.data': 1 }).lean().cursor({ batchSize: 1000 });
  for await (const t of cursor as AsyncIterable<{ history?: MetricEvent[] }>) {
    tallyByDay(clocksOf(t.history ?? []), now, wanted, out);
  }
  return out;
}

export async function computeRates(at: Date): Promise<RatesSnapshot> {
  const now = at.getTime();
  const spans = Object.fromEntries(PERIODS.map((p) => [p, periodDays(p, now)])) as Record<Period, string[]>;
  const days = [...new Set(PERIODS.flatMap((p) => spans[p]))].sort();
  const isFinal = (day: string) => dayBounds(day).end.getTime() + FINAL_AFTER_MS <= now;

  const byDay = new Map<string, Map<string, Tally>>();
  const stored = await Promise.all(days.filter(isFinal).map((d) => MetricDay.findById(d).lean()));
  for (const doc of stored) {
    if (doc) byDay.set(doc._id, new Map(doc.units.map(({ unitId, ...t }) => [unitId, { ...emptyTally(), ...t }])));
  }
  const live = days.filter((d) => !byDay.has(d));
  if (live.length) {
    const tallied = await tallyDays(live, now);
    for (const day of live) {
      const units = tallied.get(day) ?? new Map<string, Tally>();
      byDay.set(day, units);
      if (!isFinal(day)) continue;
      try {
        await MetricDay.collection.insertOne({ _id: day, units: [...units].map(([unitId, t]) => ({ unitId, ...t })), computedAt: new Date() } as never);
      } catch (err) {
        // Another node stored the same day first: it is the same tally.
        if (!isDuplicateKey(err)) throw err;
      }
    }
  }
  const periods = Object.fromEntries(
    PERIODS.map((p) => {
      const sum = periodTally(spans[p], byDay);
      return [p, { from: spans[p][0]!, to: spans[p].at(-1)!, units: [...sum].map(([unitId, t]) => ({ unitId, ...t })) }];
    }),
  ) as RatesSnapshot['periods'];
  return { today: shanghaiDay(now), units: await loadUnits(), periods };
}

/** The units a viewer's board covers: all for the center, else the viewer's unit and its sub-units. */
function unitScope(v: Viewer, units: readonly UnitInfo[]): (unitId: string | null) => boolean {
  if (seesAllTickets(v)) return () => true;
  const mine = new Set(units.filter((u) => u.id === v.unitId || u.ancestors.includes(v.unitId)).map((u) => u.id));
  return (unitId) => unitId !== null && mine.has(unitId);
}

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

function listFor(v: Viewer, rows: readonly BoardRow[]) {
  const all = seesAllTickets(v);
  const visible = all ? rows : rows.filter((r) => r.scopeUnitIds.includes(v.unitId));
  return { total: visible.length, items: visible.slice(0, LIST_LIMIT).map(({ scopeUnitIds: _scope, ...r }) => r) };
}

export interface BoardServiceOptions {
  redis: Redis | null;
  /** Redis key prefix (the app's REDIS_PREFIX). */
  prefix: string;
  /** Prefix of the shared snapshots' keys, when not `prefix` (tests). */
  snapshotPrefix?: string;
  boardIntervalMs?: number;
  ratesIntervalMs?: number;
  onComputed?: (what: 'board' | 'rates', ms: number) => void;
}

export const BOARD_LISTS = ['overdue', 'extensions', 'arbitration'] as const;
export type BoardList = (typeof BOARD_LISTS)[number];

export class BoardService {
  readonly boardIntervalMs: number;
  private readonly board: SharedSnapshot<BoardSnapshot>;
  private readonly rates: SharedSnapshot<RatesSnapshot>;
  /** Answers for viewers who see everything are the same bytes for one snapshot: serialised once. */
  private memo = { startedAt: 0, json: new Map<string, string>() };
  /** This server's copy of the open tickets. */
  readonly openTickets: OpenTickets;

  constructor(opts: BoardServiceOptions) {
    this.boardIntervalMs = opts.boardIntervalMs ?? 1000;
    const ratesIntervalMs = opts.ratesIntervalMs ?? 30_000;
    const snapshotPrefix = opts.snapshotPrefix ?? opts.prefix;
    this.openTickets = new OpenTickets(opts.redis, opts.prefix);
    this.board = new SharedSnapshot({
      key: `${snapshotPrefix}:board`,
      redis: opts.redis,
      minIntervalMs: this.boardIntervalMs,
      maxAgeMs: Math.max(5000, this.boardIntervalMs * 5),
      compute: async (at) => boardOf(await this.openTickets.at(at.getTime()), at),
      // With the change log, full scans are paced by OpenTickets; the reads between them are small.
      ...(opts.redis ? { pauseFactor: 0 } : {}),
      onComputed: (ms) => opts.onComputed?.('board', ms),
    });
    this.rates = new SharedSnapshot({
      key: `${snapshotPrefix}:rates`,
      redis: opts.redis,
      minIntervalMs: ratesIntervalMs,
      maxAgeMs: ratesIntervalMs * 2,
      compute: computeRates,
      onComputed: (ms) => opts.onComputed?.('rates', ms),
    });
  }

  /**
   * The board as this viewer may see it, with the lists asked for;
   * `notBefore`: include every change up to this instant.
   */
  async boardFor(v: Viewer, notBefore?: number, lists: readonly BoardList[] = []) {
    return this.view(await this.board.get(notBefore), v, lists);
  }

  /** The same as JSON text (what the route sends). */
  async boardJson(v: Viewer, notBefore?: number, lists: readonly BoardList[] = []): Promise<string> {
    const s = await this.board.get(notBefore);
    if (!seesAllTickets(v)) return JSON.stringify(this.view(s, v, lists));
    if (this.memo.startedAt !== s.startedAt) this.memo = { startedAt: s.startedAt, json: new Map() };
    const key = [...lists].sort().join(',');
    let json = this.memo.json.get(key);
    if (json === undefined) this.memo.json.set(key, (json = JSON.stringify(this.view(s, v, lists))));
    return json;
  }

  private view(s: Stamped<BoardSnapshot>, v: Viewer, lists: readonly BoardList[]) {
    const include = unitScope(v, s.value.units);
    const names = new Map(s.value.units.map((u) => [u.id, u.name]));
    const summary = summarize(s.value.data.cells, include);
    return {
      computedAt: new Date(s.startedAt).toISOString(),
      refreshMs: this.boardIntervalMs,
      summary: { ...summary, units: summary.units.map((c) => ({ ...c, unitName: names.get(c.unitId!) ?? c.unitId })) },
      ...Object.fromEntries(lists.map((l) => [l, listFor(v, s.value.data[l])])),
    } as {
      computedAt: string;
      refreshMs: number;
      summary: BoardSummary & { units: (BoardCell & { unitName: string })[] };
    } & Partial<Record<BoardList, ReturnType<typeof listFor>>>;
  }

  /** On-time rates by unit for today, this week and this month (percent, one decimal; null when nothing was due). */
  async ratesFor(v: Viewer) {
    const s = await this.rates.get();
    const include = unitScope(v, s.value.units);
    const names = new Map(s.value.units.map((u) => [u.id, u.name]));
    const view = (p: Period) => {
      const { from, to, units } = s.value.periods[p];
      const rows = units.filter((u) => include(u.unitId));
      const total = rows.reduce((sum, u) => ({
        acceptDue: sum.acceptDue + u.acceptDue,
        acceptOnTime: sum.acceptOnTime + u.acceptOnTime,
        resolveDue: sum.resolveDue + u.resolveDue,
        resolveOnTime: sum.resolveOnTime + u.resolveOnTime,
      }), emptyTally());
      const withRates = <T extends Tally>(t: T) => ({ ...t, acceptRate: pct(rate(t.acceptOnTime, t.acceptDue)), resolveRate: pct(rate(t.resolveOnTime, t.resolveDue)) });
      return {
        from,
        to,
        total: withRates(total),
        units: rows
          .map((u) => withRates({ ...u, unitName: names.get(u.unitId) ?? u.unitId }))
          .sort((a, b) => b.acceptDue + b.resolveDue - (a.acceptDue + a.resolveDue) || a.unitId.localeCompare(b.unitId)),
      };
    };
    return { computedAt: new Date(s.startedAt).toISOString(), today: s.value.today, periods: Object.fromEntries(PERIODS.map((p) => [p, view(p)])) as Record<Period, ReturnType<typeof view>> };
  }
}
