import { Schema, model } from 'mongoose';

/**
 * Matters closed unresolved, by caller phone: what the routing worker checks
 * to recognise a repeat (重复件) with one lookup by _id — the only lookup
 * FerretDB answers from an index. Written only when a ticket closes
 * unresolved, so it stays small.
 */
export interface UnresolvedItem {
  ticketId: string;
  number: string;
  closedAt: Date;
  repeatCount: number;
  tokens: string[];
  areaCode?: string;
}

const unresolvedSchema = new Schema<{ _id: string; items: UnresolvedItem[] }>(
  { _id: { type: String, required: true }, items: { type: Schema.Types.Mixed, default: [] } },
  { versionKey: false, timestamps: true },
);
export const UnresolvedByPhone = model('UnresolvedByPhone', unresolvedSchema);
