import { Schema, model, type Types } from 'mongoose';
import type { TimeLimitRule, TimeLimitSettings } from '../../domain/time-limits.ts';

/**
 * Time-limit configuration and its record (issue 4).
 *
 * The policy table is versioned as a whole: an admin edit inserts the next
 * version with `_id` = previous + 1, so two concurrent edits cannot both win
 * (unique _id; FerretDB updates are not isolated) and every version stays as
 * the record of what applied when. Dispatch uses the highest version; a ticket
 * keeps the version (and the resolved policy) it was dispatched under.
 */
export interface PolicySetRecord {
  _id: number;
  rules: TimeLimitRule[];
  settings: TimeLimitSettings;
  note?: string;
  by: { id: string; name: string };
  at: Date;
}
const policySetSchema = new Schema<PolicySetRecord>(
  {
    _id: { type: Number, required: true },
    rules: { type: Schema.Types.Mixed, required: true },
    settings: { type: Schema.Types.Mixed, required: true },
    note: { type: String },
    by: { id: String, name: String },
    at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'time_limit_policy_sets' },
);
export const PolicySet = model<PolicySetRecord>('PolicySet', policySetSchema);

/** Admin override of one Asia/Shanghai date: wins over the holiday data. */
export interface CalendarOverrideRecord {
  _id: string; // YYYY-MM-DD
  kind: 'workday' | 'holiday';
  note?: string;
  by: { id: string; name: string };
  at: Date;
}
const calendarOverrideSchema = new Schema<CalendarOverrideRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: ['workday', 'holiday'] },
    note: { type: String },
    by: { id: String, name: String },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'calendar_overrides' },
);
export const CalendarOverride = model<CalendarOverrideRecord>('CalendarOverride', calendarOverrideSchema);

/** A year whose official holiday schedule an admin entered (as overrides) and confirmed. */
const calendarYearSchema = new Schema(
  {
    _id: { type: Number, required: true },
    by: { id: String, name: String },
    at: { type: Date, required: true },
    note: { type: String },
  },
  { versionKey: false, collection: 'calendar_years' },
);
export const CalendarYear = model('CalendarYear', calendarYearSchema);

/** Who changed time-limit configuration, when, from what to what. */
const timeLimitAuditSchema = new Schema(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true, enum: ['policy_updated', 'calendar_override_set', 'calendar_override_removed', 'calendar_year_confirmed'] },
    by: { id: String, name: String, role: String },
    data: { type: Schema.Types.Mixed },
  },
  { versionKey: false, collection: 'time_limit_audit' },
);
timeLimitAuditSchema.index({ at: -1 });
export const TimeLimitAudit = model('TimeLimitAudit', timeLimitAuditSchema);

/**
 * In-console notices (the console reads them): one per recipient and
 * notification; `_id` = `<notification key>:<userId>` so a retried timer never
 * notifies twice.
 */
export interface NoticeRecord {
  _id: string;
  userId: string;
  /** Why this user: the unit's A or B post, a manager of the unit, of a parent unit, of the center. */
  role: 'handlerA' | 'handlerB' | 'handler' | 'unitManager' | 'ancestorManager' | 'centerManager' | 'approver';
  ticketId: Types.ObjectId;
  ticketNumber: string;
  kind: string;
  level?: string;
  milestone?: string;
  title: string;
  text: string;
  read: boolean;
  at: Date;
}
const noticeSchema = new Schema<NoticeRecord>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    role: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    ticketNumber: { type: String, required: true },
    kind: { type: String, required: true },
    level: { type: String },
    milestone: { type: String },
    title: { type: String, required: true },
    text: { type: String, required: true },
    read: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'notices' },
);
noticeSchema.index({ userId: 1, read: 1, at: -1 });
noticeSchema.index({ ticketId: 1, at: -1 });
export const Notice = model<NoticeRecord>('Notice', noticeSchema);

/** Outcome of an outside delivery (webhook, SMS): a permanent failure stays visible here. */
const notificationDeliverySchema = new Schema(
  {
    _id: { type: String, required: true }, // the notifications job id
    channel: { type: String, required: true },
    key: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId },
    ticketNumber: { type: String },
    status: { type: String, required: true, enum: ['sent', 'failed'] },
    attempts: { type: Number, required: true },
    error: { type: String },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'notification_deliveries' },
);
notificationDeliverySchema.index({ status: 1, at: -1 });
export const NotificationDelivery = model('NotificationDelivery', notificationDeliverySchema);
