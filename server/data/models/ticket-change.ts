import { Schema, model, type Types } from 'mongoose';

/**
 * The write-ahead log of ticket changes, and the lock that makes them safe.
 *
 * FerretDB 1.24 (SQLite) applies updates as read-modify-write without
 * isolation: measured here, 20 concurrent version-guarded findOneAndUpdate
 * calls let 5 "winners" through and 50 concurrent $inc lost 46. Unique
 * indexes, however, are enforced by the engine on both FerretDB and MongoDB.
 * So a change from version v to v+1 first inserts this document with _id
 * `<ticketId>:<v+1>`: exactly one writer can claim each version, the others
 * get 409. The ticket update that follows is idempotent ($set of the new
 * version, $addToSet of the events), so a change whose writer died after the
 * claim is rolled forward by the next writer, or by the sweep of claims older
 * than an hour, which also drops those of applied changes (sweepClaims in
 * data/tickets.ts).
 */
export interface TicketChangeRecord {
  _id: string;
  ticketId: Types.ObjectId;
  version: number;
  /**
   * The change ({set, events}) as one EJSON string: read back only to roll a
   * change forward, and FerretDB stores one string for a third of the cost
   * of the nested document (measured: 247 vs 703 µs per claim).
   */
  change?: string;
  /** Claims written before `change`: the same, as documents. */
  set?: Record<string, unknown>;
  events?: Record<string, unknown>[];
  at: Date;
}

const ticketChangeSchema = new Schema<TicketChangeRecord>(
  {
    _id: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    change: { type: String },
    set: { type: Schema.Types.Mixed },
    events: { type: Schema.Types.Mixed },
    at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
ticketChangeSchema.index({ ticketId: 1, version: -1 });
// The sweep of old claims (sweepClaims in data/tickets.ts).
ticketChangeSchema.index({ at: 1 });

export const TicketChange = model<TicketChangeRecord>('TicketChange', ticketChangeSchema);
