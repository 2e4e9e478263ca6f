import { Schema, model } from 'mongoose';
import { CHANNELS, EMERGENCY_LINE_KEYS, REQUEST_TYPE_KEYS, STATUS_KEYS, URGENCY_KEYS, type TicketRecord } from '../../domain/ticket.ts';

/**
 * One document per ticket (architecture.md "Tickets"). A state change and its
 * history event are one findOneAndUpdate guarded by `version`; history is
 * append-only.
 */
const historySchema = new Schema(
  {
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    type: { type: String, required: true },
    actor: {
      id: { type: String, default: null },
      name: { type: String, required: true },
      role: { type: String, required: true },
    },
    note: { type: String },
    data: { type: Schema.Types.Mixed },
    /** Shown to the citizen in public progress lookup. */
    public: { type: Boolean, default: false },
  },
  { _id: false },
);

const ticketSchema = new Schema<TicketRecord>(
  {
    number: { type: String, required: true },
    day: { type: String, required: true },
    channel: { type: String, required: true, enum: Object.keys(CHANNELS) },
    caller: {
      name: { type: String },
      phone: { type: String, required: true },
      phoneLast4: { type: String, required: true },
    },
    type: { type: String, required: true, enum: REQUEST_TYPE_KEYS },
    category: {
      code: { type: String },
      path: { type: [String], default: undefined },
    },
    urgency: { type: String, required: true, enum: URGENCY_KEYS },
    title: { type: String },
    content: { type: String, required: true },
    location: {
      address: { type: String },
      areaCode: { type: String },
      point: { lng: Number, lat: Number },
    },
    confidential: { type: Boolean, default: false },
    callId: { type: String },
    status: { type: String, required: true, enum: STATUS_KEYS },
    /** 首问责任: who answers for the ticket right now. */
    owner: {
      kind: { type: String, required: true, enum: ['user', 'center', 'unit'] },
      id: { type: String, default: null },
      name: { type: String, required: true },
    },
    lead: { unitId: String, unitName: String },
    coUnits: { type: [{ unitId: String, unitName: String, _id: false }], default: [] },
    /** Lead and co-handling units with all their ancestors: the access scope. */
    scopeUnitIds: { type: [String], default: [] },
    deadlines: { type: Schema.Types.Mixed },
    overdue: { type: Boolean, default: false },
    emergency: { line: { type: String, enum: EMERGENCY_LINE_KEYS }, at: Date, note: String },
    closure: { reason: String, at: Date, answer: String, line: String },
    mergedInto: { type: Schema.Types.ObjectId },
    acceptedAt: Date,
    contactedAt: Date,
    returnCount: { type: Number, default: 0 },
    returnRequest: { type: Schema.Types.Mixed },
    coParts: { type: Schema.Types.Mixed, default: [] },
    reply: { type: Schema.Types.Mixed },
    repliedAt: Date,
    reviewRejections: { type: Number, default: 0 },
    callback: { type: Schema.Types.Mixed },
    redoCount: { type: Number, default: 0 },
    routing: { type: Schema.Types.Mixed },
    repeatOf: { type: Schema.Types.ObjectId },
    repeatCount: { type: Number, default: 0 },
    /** Idempotency scope+key; tickets without a client key get a unique generated one. */
    intakeKey: { type: String, required: true },
    intakeFingerprint: { type: String, required: true },
    createdBy: { id: String, name: String, role: String },
    searchTokens: { type: [String], default: [] },
    version: { type: Number, required: true, default: 1 },
    history: { type: [historySchema], default: [] },
  },
  { timestamps: true, versionKey: false },
);

ticketSchema.index({ number: 1 }, { unique: true });
ticketSchema.index({ day: 1, number: -1 });
ticketSchema.index({ intakeKey: 1 }, { unique: true });
// List queries: newest first, narrowed by status / unit scope / category / urgency / overdue.
ticketSchema.index({ createdAt: -1, _id: -1 });
ticketSchema.index({ status: 1, createdAt: -1, _id: -1 });
ticketSchema.index({ scopeUnitIds: 1, createdAt: -1, _id: -1 });
ticketSchema.index({ scopeUnitIds: 1, status: 1, createdAt: -1 });
ticketSchema.index({ 'category.code': 1, createdAt: -1 });
ticketSchema.index({ urgency: 1, createdAt: -1 });
ticketSchema.index({ overdue: 1, status: 1 });
// Time limits (issue 4): escalation level filter; timer reconcile scans open tickets by status.
ticketSchema.index({ 'deadlines.escalation': 1, status: 1 });
ticketSchema.index({ searchTokens: 1 });
// Caller history and duplicate hints at intake.
ticketSchema.index({ 'caller.phone': 1, createdAt: -1 });
ticketSchema.index({ mergedInto: 1 });
// The board's on-time rates read tickets changed or due in the period (MongoDB; FerretDB scans).
ticketSchema.index({ updatedAt: 1 });
ticketSchema.index({ 'deadlines.resolve.dueAt': 1 });
ticketSchema.index({ 'deadlines.accept.dueAt': 1 });

export type TicketDoc = TicketRecord;
export const Ticket = model<TicketRecord>('Ticket', ticketSchema);
