import { mongo, Types } from 'mongoose';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { HistoryEvent } from '../domain/ticket.ts';
import { deadlinesRecord, type StoredDeadlines } from '../domain/deadlines.ts';
import { formatTicketNumber } from '../domain/ticket-number.ts';
import { Ticket, TicketChange, type TicketDoc } from './models/index.ts';
import type { TicketChangeRecord } from './models/ticket-change.ts';
import { idFiltersUseIndex, isDuplicateKey } from './db.ts';
import { BatchInserter, BatchUpdater } from './group-commit.ts';
import { byIdReader } from './batch-read.ts';
import { announceTicket, changeEventType } from '../realtime/bus.ts';

const { EJSON } = mongo.BSON;

/**
 * Ticket persistence: numbering, insert, version-guarded changes, lists.
 * Everything here relies only on unique indexes for concurrency, because
 * FerretDB's updates are not isolated (see models/ticket-change.ts).
 */

/** Last sequence handed out per day by this process; refreshed from MongoDB on a collision. */
const lastSeq = new Map<string, number>();
const loadingSeq = new Map<string, Promise<void>>();
const inserter = new BatchInserter<TicketDoc>(() => Ticket.collection as never);
/** Claims are group-committed too: under load many changes share one transaction, each still learns whether it won. */
const claims = new BatchInserter<Record<string, unknown>>(() => TicketChange.collection as never);
/**
 * Version-guarded ticket updates are group-committed too. When a batch matched
 * fewer than it sent, a ticket now at the version an update sets (or later)
 * had that update applied: a version is only ever set by the change claimed for it,
 * and no version is claimed twice (claims outlive every read a change may start from: CLAIM_KEPT_MS).
 */
const changes = new BatchUpdater<TicketDoc>(
  () => Ticket.collection as never,
  async (ops) => {
    const now = await Ticket.find({ _id: { $in: ops.map((o) => o.filter._id) } }, { version: 1 }).lean();
    const versions = new Map(now.map((t) => [String(t._id), t.version]));
    return ops.map((o) => (versions.get(String(o.filter._id)) ?? 0) >= (o.update.$set as { version: number }).version);
  },
);

async function highestSeq(day: string): Promise<number> {
  const top = await Ticket.findOne({ day }, { number: 1 }).sort({ day: 1, number: -1 }).lean();
  return top ? Number(top.number.split('-')[1]) : 0;
}

/** Load the day's highest number once per process (concurrent first requests share the read). */
async function ensureSeq(day: string): Promise<void> {
  if (lastSeq.has(day)) return;
  let p = loadingSeq.get(day);
  if (!p) {
    p = highestSeq(day).then((n) => {
      lastSeq.set(day, Math.max(n, lastSeq.get(day) ?? 0));
      loadingSeq.delete(day);
    });
    loadingSeq.set(day, p);
  }
  await p;
}

/**
 * Insert a new ticket with the next number of its day. Numbers come from an
 * in-process sequence and the unique index on `number` settles races between
 * server nodes (the loser re-reads the highest number and retries).
 * Returns `{ created: false }` with the existing ticket when the idempotency
 * key was already used (a retried submission).
 */
export async function insertTicket(doc: Omit<TicketDoc, 'number'>): Promise<{ created: boolean; ticket: TicketDoc }> {
  await ensureSeq(doc.day);
  for (let attempt = 0; ; attempt++) {
    const seq = lastSeq.get(doc.day)! + 1;
    lastSeq.set(doc.day, seq);
    const ticket: TicketDoc = { ...doc, number: formatTicketNumber(doc.day, seq) };
    try {
      await inserter.insert(ticket);
      announceTicket(ticket, 'created', undefined, []);
      return { created: true, ticket };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await Ticket.findOne({ intakeKey: doc.intakeKey }).lean<TicketDoc>();
      if (existing) return { created: false, ticket: existing };
      if (attempt >= 20) throw err;
      // Another node took this number: continue after the highest one in use.
      lastSeq.set(doc.day, Math.max(lastSeq.get(doc.day)!, await highestSeq(doc.day)));
    }
  }
}

export interface TicketChangeInput {
  /** $set fields of the change (status, owner, ...). */
  set?: Record<string, unknown>;
  /** History events to append, without seq (assigned here). */
  events: Omit<HistoryEvent, 'seq'>[];
}

/** How long a claimed change may stay unapplied before another writer rolls it forward. */
const ROLL_FORWARD_AFTER_MS = 2000;
/**
 * How old the read a change starts from (its expected version) may be. Every
 * writer reads the ticket right before it changes it, except the routing
 * worker, which routes from its job's copy only while the job is younger than this.
 */
export const MAX_READ_AGE_MS = 10 * 60_000;
/**
 * Claims are kept this long, then dropped by sweepClaims: far longer than any
 * read a change may start from, so no writer can claim a version again once
 * it is applied (the `applied` check of the update batches relies on that).
 */
const CLAIM_KEPT_MS = 6 * MAX_READ_AGE_MS;

/**
 * Apply a change and its history events to a ticket read at `expected`
 * (its version and history length), atomically with respect to every other
 * change: one claim per version (unique _id), then an idempotent update.
 * A stale writer gets 409 and never overwrites another's work.
 */
export async function applyTicketChange(
  id: Types.ObjectId,
  expected: { version: number; historyLength: number },
  change: TicketChangeInput,
  /** The whole ticket as read at `expected`: the result is built from it instead of read back (a cheaper update). */
  base?: TicketDoc,
): Promise<TicketDoc> {
  const version = expected.version + 1;
  const events = change.events.map((e, i) => ({ ...e, seq: expected.historyLength + i + 1 }));
  const claim = { _id: `${id.toHexString()}:${version}`, ticketId: id, version, set: storedSet(change.set), events, at: new Date() };
  try {
    await claims.insert(claimRecord(claim));
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await rollForward(id);
    throw versionConflict(expected.version);
  }
  const whole = base?.version === expected.version ? base : undefined;
  const updated = await writeChange(claim, whole);
  if (updated) {
    announceTicket(updated, changeEventType(change.events), undefined, whole?.scopeUnitIds);
    return updated;
  }
  // The ticket was not at the expected version (or does not exist): release the claim.
  await TicketChange.deleteOne({ _id: claim._id });
  if (!(await Ticket.exists({ _id: id }))) throw new NotFoundError('工单');
  throw versionConflict(expected.version);
}

/**
 * Write a claimed change if the ticket is still at the version before it:
 * one conditional update. On MongoDB the filter makes it atomic; on FerretDB
 * (not isolated) the claim is what makes the change exclusive, and the
 * version in the filter keeps a writer that claimed long ago and was rolled
 * forward by another from overwriting later versions. A FerretDB that would
 * scan the tickets for {_id, version} (stock SQLite backend, without local
 * patch p2) gets the version read by _id first and an update by _id alone.
 */
async function writeChange(
  c: { ticketId: Types.ObjectId; version: number; set: Record<string, unknown>; events: unknown[] },
  base?: TicketDoc,
): Promise<TicketDoc | null> {
  const filter: Record<string, unknown> = { _id: c.ticketId };
  if (await idFiltersUseIndex()) filter.version = c.version - 1;
  else {
    const current = await Ticket.findById(c.ticketId, { version: 1 }).lean();
    if (!current || current.version !== c.version - 1) return null;
  }
  const updatedAt = new Date();
  const events = c.events.map(storedEvent);
  const update = { $set: { ...c.set, version: c.version, updatedAt }, $addToSet: { history: { $each: events } } };
  // Top-level $set keys only: then the ticket after the change is the base with them replaced.
  if (base && !Object.keys(c.set).some((k) => k.includes('.'))) {
    // Through the driver: mongoose's casting of a ticket-sized update cost more than the rest of a routing job.
    // The change is stored as given, so it must already be in stored form (ObjectIds, Dates; see storedEvent).
    if (!(await changes.update(filter, update))) return null;
    const had = new Set(base.history.map((h) => h.seq));
    const added = events.filter((e) => !had.has(e.seq)); // the claim numbered them
    return { ...base, ...c.set, version: c.version, updatedAt, history: [...base.history, ...added] } as TicketDoc;
  }
  return Ticket.findOneAndUpdate(filter, update, { returnDocument: 'after', lean: true }) as unknown as Promise<TicketDoc | null>;
}

/**
 * A change's fields as stored: new deadlines in their record form
 * (DeadlinesRecord in domain/deadlines.ts), a routing summary as its JSON
 * text (TicketRecord.routing).
 */
function storedSet(set: Record<string, unknown> = {}): Record<string, unknown> {
  const d = set.deadlines as Partial<StoredDeadlines> | null | undefined;
  const stored = d && Array.isArray(d.timers) ? { ...set, deadlines: deadlinesRecord(d as StoredDeadlines) } : set;
  return set.routing && typeof set.routing === 'object' ? { ...stored, routing: JSON.stringify(set.routing) } : stored;
}

/** A history event as the schema stores it (its defaults), for writes that bypass mongoose. */
function storedEvent(e: unknown): HistoryEvent {
  const event = e as HistoryEvent;
  return { ...event, actor: { ...event.actor, id: event.actor.id ?? null }, public: event.public ?? false };
}

/** Complete a change whose writer claimed it but died before updating the ticket. */
export async function rollForward(id: Types.ObjectId): Promise<boolean> {
  const t = await Ticket.findById(id, { version: 1 }).lean();
  if (!t) return false;
  // The claim for the next version, looked up by its _id (indexed on every backend).
  const next = await TicketChange.findById(`${id.toHexString()}:${t.version + 1}`).lean();
  if (!next || Date.now() - next.at.getTime() < ROLL_FORWARD_AFTER_MS) return false;
  return !!(await writeChange({ ticketId: next.ticketId, version: next.version, ...claimedChange(next) }));
}

const readVersion = byIdReader<{ _id: Types.ObjectId; version: number }>(Ticket as never, { version: 1 });

/** At most this many claims per sweep, so a first sweep of a long-running installation's claims does not hold the maintenance queue for long. */
const SWEEP_MAX_CLAIMS = 50_000;

/**
 * Claims older than CLAIM_KEPT_MS: a change whose writer died between its
 * claim and its update is rolled forward if nobody has since, and every other
 * claim is dropped: its ticket has its change, is gone, or is more than one
 * version behind it (nothing can ever apply that claim). Kept, they grew by
 * one document per change (a dispatch's: 4.6 KB on FerretDB), for ever.
 */
export async function sweepClaims(now = new Date()): Promise<{ rolledForward: number; dropped: number }> {
  const res = { rolledForward: 0, dropped: 0 };
  const cursor = TicketChange.find({ at: { $lt: new Date(now.getTime() - CLAIM_KEPT_MS) } }, { ticketId: 1, version: 1 })
    .limit(SWEEP_MAX_CLAIMS)
    .lean<Pick<TicketChangeRecord, '_id' | 'ticketId' | 'version'>[]>()
    .cursor({ batchSize: 1000 });
  let batch: Pick<TicketChangeRecord, '_id' | 'ticketId' | 'version'>[] = [];
  const settle = async () => {
    const tickets = await Promise.all(batch.map((c) => readVersion(c.ticketId)));
    const done: string[] = [];
    for (const [i, c] of batch.entries()) {
      const version = tickets[i]?.version;
      if (version === c.version - 1) {
        // Not rolled forward: the ticket changed meanwhile; the next sweep looks again.
        if (!(await rollForward(c.ticketId))) continue;
        res.rolledForward++;
      }
      done.push(c._id);
    }
    if (done.length) res.dropped += (await TicketChange.deleteMany({ _id: { $in: done } })).deletedCount;
    batch = [];
  };
  for await (const c of cursor) {
    batch.push(c);
    if (batch.length >= 1000) await settle();
  }
  if (batch.length) await settle();
  return res;
}

/** The change a claim holds, in either stored form. */
export function claimedChange(claim: Pick<TicketChangeRecord, 'change' | 'set' | 'events'>): { set: Record<string, unknown>; events: HistoryEvent[] } {
  if (claim.change) return EJSON.parse(claim.change, { relaxed: true }) as { set: Record<string, unknown>; events: HistoryEvent[] };
  return { set: claim.set ?? {}, events: (claim.events ?? []) as unknown as HistoryEvent[] };
}

/** The claim as stored: the change itself as one EJSON string (see models/ticket-change.ts). */
export function claimRecord(c: { _id: string; ticketId: Types.ObjectId; version: number; set: Record<string, unknown>; events: unknown[]; at: Date }): Record<string, unknown> {
  return { _id: c._id, ticketId: c.ticketId, version: c.version, change: EJSON.stringify({ set: c.set, events: c.events }, { relaxed: true }), at: c.at };
}

export function versionConflict(expectedVersion: number): ConflictError {
  return new ConflictError('version_conflict', '工单已被他人修改，请刷新后重试 (ticket changed since it was read)', {
    expectedVersion,
  });
}

/** Opaque cursor over (createdAt desc, _id desc). */
export function encodeCursor(t: { createdAt: Date; _id: Types.ObjectId }): string {
  return Buffer.from(`${t.createdAt.getTime()}.${t._id.toHexString()}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: Types.ObjectId } | null {
  const m = /^(\d{1,15})\.([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) return null;
  return { createdAt: new Date(Number(m[1])), id: new Types.ObjectId(m[2]) };
}

export function afterCursorFilter(c: { createdAt: Date; id: Types.ObjectId }): Record<string, unknown> {
  return { $or: [{ createdAt: { $lt: c.createdAt } }, { createdAt: c.createdAt, _id: { $lt: c.id } }] };
}
