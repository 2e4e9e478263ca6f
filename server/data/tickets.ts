import { Types } from 'mongoose';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { HistoryEvent } from '../domain/ticket.ts';
import { formatTicketNumber } from '../domain/ticket-number.ts';
import { Counter, Ticket, type TicketDoc } from './models/index.ts';
import { isDuplicateKey } from './db.ts';

/** Ticket persistence: numbering, insert, version-guarded changes, lists. */

export async function nextTicketNumber(day: string): Promise<string> {
  // Two first-of-the-day upserts can race on the counter's _id: the loser retries.
  for (let attempt = 0; ; attempt++) {
    try {
      const c = await Counter.findOneAndUpdate(
        { _id: `ticket:${day}` },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after', lean: true },
      );
      return formatTicketNumber(day, c!.seq);
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 5) throw err;
    }
  }
}

export type NewTicketDoc = TicketDoc;

/**
 * Insert a new ticket. Returns `{ created: false }` with the existing ticket
 * when its idempotency key was already used (a retried submission).
 */
export async function insertTicket(doc: NewTicketDoc): Promise<{ created: boolean; ticket: TicketDoc }> {
  try {
    await Ticket.collection.insertOne(doc);
    return { created: true, ticket: doc };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await Ticket.findOne({ intakeKey: doc.intakeKey }).lean<TicketDoc>();
    if (!existing) throw err; // the duplicate was on the number: let the caller see it
    return { created: false, ticket: existing };
  }
}

export interface TicketChange {
  /** $set fields of the change (status, owner, ...). */
  set?: Record<string, unknown>;
  /** History events to append, without seq (assigned here). */
  events: Omit<HistoryEvent, 'seq'>[];
}

/**
 * Apply a change and its history events in one atomic update, only if the
 * ticket is still at `expectedVersion`; a stale writer gets 409.
 */
export async function applyTicketChange(
  id: Types.ObjectId | string,
  expectedVersion: number,
  historyLength: number,
  change: TicketChange,
): Promise<TicketDoc> {
  const events = change.events.map((e, i) => ({ ...e, seq: historyLength + i + 1 }));
  const updated = await Ticket.findOneAndUpdate(
    { _id: id, version: expectedVersion },
    {
      $set: { ...(change.set ?? {}), updatedAt: new Date() },
      $inc: { version: 1 },
      $push: { history: { $each: events } },
    },
    { returnDocument: 'after', lean: true },
  );
  if (updated) return updated;
  const exists = await Ticket.exists({ _id: id });
  if (!exists) throw new NotFoundError('工单');
  throw new ConflictError('version_conflict', '工单已被他人修改，请刷新后重试 (ticket changed since it was read)', {
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
