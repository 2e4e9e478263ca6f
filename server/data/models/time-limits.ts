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

/**
 * One outside delivery (a webhook POST, or one SMS to one number) and its
 * outcome. `_id` is the delivery id (services/notify.ts deliveryId), also sent
 * to the receiver so it can deduplicate. Inserting it in `sending` is the
 * claim before the request (unique _id: one sender); `sent`, `failed` and
 * `skipped` are final; `retrying` waits for the queue's next attempt.
 */
export const DELIVERY_STATUSES = ['sending', 'retrying', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export interface NotificationDeliveryRecord {
  _id: string;
  channel: string;
  key: string;
  ticketId?: Types.ObjectId;
  ticketNumber?: string;
  /** SMS: the users this message reaches. */
  recipients?: string[];
  status: DeliveryStatus;
  /** Requests made so far. */
  attempts: number;
  /** The notifications job that holds (or last held) the claim. */
  jobId?: string;
  claimedAt?: Date;
  sentAt?: Date;
  /** Last HTTP status of a failed request. */
  httpStatus?: number;
  /** Why the last request failed. */
  error?: string;
  /** Why it was never sent (skipped). */
  reason?: string;
  at: Date;
}
const notificationDeliverySchema = new Schema<NotificationDeliveryRecord>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    key: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId },
    ticketNumber: { type: String },
    recipients: { type: [String], default: undefined },
    status: { type: String, required: true, enum: DELIVERY_STATUSES },
    attempts: { type: Number, required: true },
    jobId: { type: String },
    claimedAt: { type: Date },
    sentAt: { type: Date },
    httpStatus: { type: Number },
    error: { type: String },
    reason: { type: String },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'notification_deliveries' },
);
notificationDeliverySchema.index({ status: 1, at: -1 });
export const NotificationDelivery = model<NotificationDeliveryRecord>('NotificationDelivery', notificationDeliverySchema);
