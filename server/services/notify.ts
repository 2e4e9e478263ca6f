/**
 * Notifications of time limits and extensions (issue 4).
 *
 * One interface, three real channels:
 *   - console: a `notices` document per recipient (the console reads them)
 *     plus a live event through the EventPublisher; written directly, and
 *     idempotent (`_id` = notification key + user), so a retried timer never
 *     notifies twice;
 *   - webhook: HTTP POST JSON, optionally HMAC-signed with a timestamp;
 *   - sms: the configured gateway (HTTP POST JSON), one message per mobile
 *     number; disabled when not configured, never faked.
 * Outside channels are delivered by the `notifications` queue. Every delivery
 * (webhook POST, or SMS to one number) is claimed in `notification_deliveries`
 * before its request and ends there as `sent`, `failed` (a permanent 4xx, or
 * every attempt used up) or `skipped` (nobody to send it to, with the reason).
 * 5xx, 408, 429 and network errors are retried with exponential backoff
 * (longer when a 429 says Retry-After).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import { Types } from 'mongoose';
import type { Config } from '../config.ts';
import { recipientPlan } from '../domain/deadlines.ts';
import type { EscalationLevel } from '../domain/time-limits.ts';
import { Notice, NotificationDelivery, Unit, User, type NoticeRecord } from '../data/models/index.ts';
import type { DeliveryStatus, NotificationDeliveryRecord } from '../data/models/time-limits.ts';
import { isDuplicateKey } from '../data/db.ts';
import type { NotificationJob } from '../queue/queues.ts';
import { logger } from '../logger.ts';

export interface Recipient {
  userId: string;
  name: string;
  role: NoticeRecord['role'];
  phone?: string;
}

export interface Notification {
  /** Unique per occurrence (ticket, deadline version, milestone, level or extension request). */
  key: string;
  kind: 'time_limit' | 'extension_requested' | 'extension_decided' | 'supervised';
  ticket: { id: string; number: string; title: string | null; unitId: string | null; unitName: string | null };
  level?: EscalationLevel;
  milestone?: string;
  title: string;
  text: string;
  dueAt?: string;
  at: string;
  recipients: Recipient[];
}

/** The in-console channel. `send` throws on failure. */
export interface Notifier {
  readonly channel: 'console' | 'webhook' | 'sms';
  readonly enabled: boolean;
  send(n: Notification): Promise<void>;
}

/** One request an outside channel makes for a notification. */
export interface Delivery {
  /** Delivery id (deliveryId): the record's _id, and sent to the receiver to deduplicate a resend. */
  id: string;
  /** SMS: the users this message reaches (several when they share a number). */
  recipients?: string[];
  phone?: string;
  /** Set when it cannot be sent: recorded as skipped with this reason, never as sent. */
  undeliverable?: string;
}

/** An outside channel: which deliveries a notification makes, and one request per delivery. */
export interface OutsideNotifier {
  readonly channel: NotificationJob['channel'];
  readonly enabled: boolean;
  plan(n: Notification): Delivery[];
  /** Throws a DeliveryError (or any error: treated as a network failure, retried). */
  send(n: Notification, d: Delivery): Promise<void>;
}

/** `<notificationKey>:<channel>` for the webhook, `<notificationKey>:sms:<userId>` per SMS recipient. */
export function deliveryId(key: string, channel: NotificationJob['channel'], userId?: string): string {
  return userId ? `${key}:${channel}:${userId}` : `${key}:${channel}`;
}

/** A failed request. `permanent`: the receiver refused this request itself; repeating it cannot help. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly httpStatus?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * Whether an HTTP error status is worth retrying: 5xx (the receiver's
 * trouble), 408 (timed out) and 425/429 (come back later) are; any other 4xx
 * (bad payload, bad credentials, wrong or gone URL) fails the same way again.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

/** A Retry-After longer than this is cut short: a late reminder is worth less than a retry. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Retry-After (delta-seconds or an HTTP date) in ms, capped; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

async function postJson(what: string, url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new DeliveryError(`${what} unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}`, false);
  }
  if (res.ok) {
    await res.body?.cancel().catch(() => undefined);
    return;
  }
  // The receiver's words on why, shortened: what operations needs to fix a permanent failure.
  const detail = (await res.text().catch(() => '')).trim().slice(0, 200);
  const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
  throw new DeliveryError(`${what} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`, !isRetryableStatus(res.status), res.status, retryAfterMs);
}

export class ConsoleNotifier implements Notifier {
  readonly channel = 'console';
  readonly enabled = true;

  async send(n: Notification): Promise<void> {
    const docs = n.recipients.map((r) => ({
      _id: `${n.key}:${r.userId}`,
      userId: r.userId,
      role: r.role,
      ticketId: new Types.ObjectId(n.ticket.id),
      ticketNumber: n.ticket.number,
      kind: n.kind,
      ...(n.level ? { level: n.level } : {}),
      ...(n.milestone ? { milestone: n.milestone } : {}),
      title: n.title,
      text: n.text,
      read: false,
      at: new Date(n.at),
    }));
    if (docs.length === 0) return;
    try {
      await Notice.collection.insertMany(docs as never[], { ordered: false });
    } catch (err) {
      // Already there from an earlier attempt: fine. Anything else is a real failure.
      const writeErrors = (err as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
      const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      if (list.length === 0 || list.some((e) => e.code !== 11000)) throw err;
    }
  }
}

/**
 * Webhook signatures. A receiver accepts a request only when
 *   1. `x-hotline-signature` is `t=<unix seconds>,v1=<hex>` and some v1 equals
 *      HMAC-SHA256(secret, `${t}.${raw body}`) (constant-time compare), and
 *   2. |now - t| <= 300 s (WEBHOOK_TOLERANCE_SEC): an older capture is refused,
 *   3. and it has not processed the body's `delivery` id before (a resend
 *      after a lost acknowledgement carries the same id; keep the ids seen for
 *      at least the tolerance window).
 * The timestamp is signed, so a replay cannot freshen it; the delivery id is
 * in the signed body, so a replay cannot disguise itself as a new delivery.
 */
export const WEBHOOK_TOLERANCE_SEC = 300;

export function signWebhook(secret: string, body: string, atMs = Date.now()): string {
  const t = Math.floor(atMs / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/** The receiver's check (rules 1 and 2 above); deduplicating by delivery id is the receiver's own store. */
export function verifyWebhook(secret: string, header: string | undefined, body: string, opts: { nowMs?: number; toleranceSec?: number } = {}): WebhookVerification {
  const parts = (header ?? '').split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const sigs = parts.filter(([k, v]) => k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => Buffer.from(v!, 'hex'));
  if (!Number.isInteger(t) || sigs.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs((opts.nowMs ?? Date.now()) / 1000 - t) > (opts.toleranceSec ?? WEBHOOK_TOLERANCE_SEC)) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return sigs.some((s) => timingSafeEqual(s, expected)) ? { ok: true, timestamp: t } : { ok: false, reason: 'mismatch' };
}

export class WebhookNotifier implements OutsideNotifier {
  readonly channel = 'webhook';
  readonly enabled: boolean;
  constructor(
    private readonly url: string | undefined,
    private readonly secret: string | undefined,
    private readonly timeoutMs = 10_000,
  ) {
    this.enabled = !!url;
  }

  plan(n: Notification): Delivery[] {
    return [{ id: deliveryId(n.key, 'webhook') }];
  }

  async send(n: Notification, d: Delivery): Promise<void> {
    if (!this.url) throw new DeliveryError('webhook not configured', true);
    // Staff phone numbers stay out of the webhook payload. The delivery id is in the signed body (see verifyWebhook).
    const body = JSON.stringify({ delivery: d.id, ...n, recipients: n.recipients.map(({ phone: _phone, ...r }) => r) });
    const headers: Record<string, string> = { 'x-hotline-event': n.kind, 'x-hotline-delivery': d.id };
    // Signed per request: a resend carries a fresh timestamp over the same body.
    if (this.secret) headers['x-hotline-signature'] = signWebhook(this.secret, body);
    await postJson('webhook', this.url, headers, body, this.timeoutMs);
  }
}

/** SMS through the city's gateway: POST {to, content, sign, reference} with a bearer token, one number per request. */
export class SmsGatewayNotifier implements OutsideNotifier {
  readonly channel = 'sms';
  readonly enabled: boolean;
  constructor(
    private readonly url: string | undefined,
    private readonly token: string | undefined,
    private readonly sign: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.enabled = !!(url && token);
  }

  /**
   * One message per distinct number, so one bad number or a gateway refusal
   * fails only its own recipient; a recipient without a number is recorded as
   * skipped (operations must add the number), never as sent.
   */
  plan(n: Notification): Delivery[] {
    if (n.recipients.length === 0) return [{ id: deliveryId(n.key, 'sms'), undeliverable: 'no recipients' }];
    const out: Delivery[] = [];
    const byPhone = new Map<string, Delivery>();
    for (const r of n.recipients) {
      const phone = r.phone?.trim();
      if (!phone) {
        out.push({ id: deliveryId(n.key, 'sms', r.userId), recipients: [r.userId], undeliverable: 'no mobile number on file' });
        continue;
      }
      const same = byPhone.get(phone);
      if (same) same.recipients!.push(r.userId);
      else {
        const d: Delivery = { id: deliveryId(n.key, 'sms', r.userId), recipients: [r.userId], phone };
        byPhone.set(phone, d);
        out.push(d);
      }
    }
    return out;
  }

  async send(n: Notification, d: Delivery): Promise<void> {
    if (!this.url || !this.token) throw new DeliveryError('SMS gateway not configured', true);
    if (!d.phone) throw new DeliveryError('no mobile number', true);
    const body = JSON.stringify({ to: [d.phone], content: `【${this.sign}】${n.title}：${n.text}`, sign: this.sign, reference: d.id });
    await postJson('SMS gateway', this.url, { authorization: `Bearer ${this.token}` }, body, this.timeoutMs);
  }
}

/**
 * A claim older than this is taken to be a dead sender's (it crashed between
 * its request and its record): longer than any request may take.
 */
export const CLAIM_LEASE_MS = 60_000;

const FINAL: ReadonlySet<DeliveryStatus> = new Set(['sent', 'failed', 'skipped']);

type DeliveryBase = Pick<NotificationDeliveryRecord, 'channel' | 'key' | 'ticketId' | 'ticketNumber' | 'recipients'>;
export type Claim = { kind: 'claimed'; attempt: number } | { kind: 'final'; status: DeliveryStatus } | { kind: 'busy'; jobId?: string; since?: Date };

/**
 * The delivery records (`notification_deliveries`). Exclusivity comes from the
 * unique `_id` insert of the claim, never from a guarded update (FerretDB
 * updates are not isolated). A claim is taken over (the request resent, with
 * the same delivery id) only when its holder is known to be done: it recorded
 * a retryable failure, it was an earlier run of the same queue job (BullMQ
 * runs one attempt of a job at a time), or it is older than the lease.
 */
export class DeliveryLog {
  constructor(readonly leaseMs = CLAIM_LEASE_MS) {}

  async claim(id: string, base: DeliveryBase, jobId: string, now = new Date()): Promise<Claim> {
    try {
      await NotificationDelivery.create({ _id: id, ...base, status: 'sending', attempts: 1, jobId, claimedAt: now, at: now });
      return { kind: 'claimed', attempt: 1 };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const cur = await NotificationDelivery.findById(id, { status: 1, attempts: 1, jobId: 1, claimedAt: 1 }).lean();
    if (!cur) throw new Error(`delivery ${id}: claim exists but cannot be read`);
    if (FINAL.has(cur.status)) return { kind: 'final', status: cur.status };
    const done = cur.status === 'retrying' || cur.jobId === jobId || !cur.claimedAt || now.getTime() - cur.claimedAt.getTime() >= this.leaseMs;
    if (!done) return { kind: 'busy', ...(cur.jobId ? { jobId: cur.jobId } : {}), ...(cur.claimedAt ? { since: cur.claimedAt } : {}) };
    // Two takers at once would both resend; only a stalled job can do that, and the receiver deduplicates by the id.
    const attempt = (cur.attempts ?? 0) + 1;
    await NotificationDelivery.updateOne({ _id: id }, { $set: { status: 'sending', attempts: attempt, jobId, claimedAt: now, at: now } });
    return { kind: 'claimed', attempt };
  }

  /** The outcome of the claimed request. */
  async settle(id: string, status: 'sent' | 'retrying' | 'failed', fields: { error?: string; httpStatus?: number } = {}, now = new Date()): Promise<void> {
    if (status === 'sent') {
      await NotificationDelivery.updateOne({ _id: id }, { $set: { status, sentAt: now, at: now }, $unset: { error: 1, httpStatus: 1 } });
    } else {
      await NotificationDelivery.updateOne({ _id: id }, { $set: { status, at: now, ...fields } });
    }
  }

  /** A delivery that is never attempted: recorded once (false when an earlier run already did). */
  async record(id: string, base: DeliveryBase, status: 'skipped' | 'failed', text: string, now = new Date()): Promise<boolean> {
    try {
      await NotificationDelivery.create({ _id: id, ...base, status, attempts: 0, at: now, ...(status === 'skipped' ? { reason: text } : { error: text }) });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return false;
    }
  }
}

export interface NotifierSet {
  console: ConsoleNotifier;
  outside: OutsideNotifier[];
  queue: Queue | null;
  attempts: number;
  backoffMs: number;
  log: DeliveryLog;
}

export function createNotifiers(config: Config, queue: Queue | null): NotifierSet {
  return {
    console: new ConsoleNotifier(),
    outside: [
      new WebhookNotifier(config.NOTIFY_WEBHOOK_URL, config.NOTIFY_WEBHOOK_SECRET),
      new SmsGatewayNotifier(config.SMS_GATEWAY_URL, config.SMS_GATEWAY_TOKEN, config.SMS_SIGN),
    ].filter((n) => n.enabled),
    queue,
    attempts: config.NOTIFY_ATTEMPTS,
    backoffMs: config.NOTIFY_BACKOFF_MS,
    log: new DeliveryLog(),
  };
}

/** BullMQ custom ids must not contain ':'. */
export function notificationJobId(key: string, channel: string): string {
  return `n-${key.replaceAll(':', '-')}-${channel}`;
}

/** Deliver to every channel: console at once, outside channels through the queue (deduplicated by job id). */
export async function deliver(set: NotifierSet, n: Notification): Promise<void> {
  await set.console.send(n);
  if (!set.queue) return;
  for (const notifier of set.outside) {
    const job: NotificationJob = { channel: notifier.channel, key: n.key, notification: n as unknown as Record<string, unknown> };
    await set.queue.add('deliver', job, {
      jobId: notificationJobId(n.key, notifier.channel),
      attempts: set.attempts,
      backoff: { type: 'exponential', delay: set.backoffMs },
      // Kept a week so a re-run of the same notification is recognised and not sent twice.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
  }
}

type Outcome = { id: string; outcome: 'sent' | 'skipped' | 'done' } | { id: string; outcome: 'failed' | 'retry'; error: string; retryAfterMs?: number };

async function deliverOne(log: DeliveryLog, notifier: OutsideNotifier, n: Notification, d: Delivery, base: DeliveryBase, jobId: string, lastRun: boolean): Promise<Outcome> {
  const rec: DeliveryBase = { ...base, ...(d.recipients ? { recipients: d.recipients } : {}) };
  if (d.undeliverable) {
    if (await log.record(d.id, rec, 'skipped', d.undeliverable))
      logger.warn({ delivery: d.id, channel: notifier.channel, ticket: n.ticket.number, reason: d.undeliverable }, 'notification not deliverable: skipped');
    return { id: d.id, outcome: 'skipped' };
  }
  const claim = await log.claim(d.id, rec, jobId);
  // Final from an earlier run: never sent again (a failure stays a failure of this job).
  if (claim.kind === 'final') return claim.status === 'failed' ? { id: d.id, outcome: 'failed', error: 'failed in an earlier attempt' } : { id: d.id, outcome: 'done' };
  if (claim.kind === 'busy') return { id: d.id, outcome: 'retry', error: `being sent by job ${claim.jobId ?? '?'} since ${claim.since?.toISOString() ?? '?'}` };
  try {
    await notifier.send(n, d);
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, false);
    const fields = { error: e.message, ...(e.httpStatus ? { httpStatus: e.httpStatus } : {}) };
    if (e.permanent || lastRun) {
      await log.settle(d.id, 'failed', fields);
      logger.warn({ delivery: d.id, channel: notifier.channel, ticket: n.ticket.number, attempts: claim.attempt, err: e.message }, e.permanent ? 'notification refused: failed without retry' : 'notification failed after every attempt');
      return { id: d.id, outcome: 'failed', error: e.message };
    }
    await log.settle(d.id, 'retrying', fields);
    return { id: d.id, outcome: 'retry', error: e.message, ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}) };
  }
  // Should this write fail, the job's next run finds its own claim and resends with the same delivery id.
  await log.settle(d.id, 'sent');
  return { id: d.id, outcome: 'sent' };
}

/** The wait BullMQ would apply after this run's failure. */
function backoffAfter(job: Job): number {
  const b = job.opts.backoff;
  if (typeof b === 'number') return b;
  if (!b) return 0;
  return b.type === 'exponential' ? (b.delay ?? 0) * 2 ** job.attemptsMade : (b.delay ?? 0);
}

/**
 * The notifications queue processor: one channel of one notification. Each
 * delivery is claimed, sent and recorded on its own; what is already final is
 * left alone. A permanent refusal fails the job at once; a retryable failure
 * throws so the queue retries (after Retry-After when the receiver asks for
 * longer than the backoff); the last run records what is still failing.
 */
export async function processNotificationJob(set: NotifierSet, job: Job<NotificationJob>): Promise<string> {
  const { channel, key } = job.data;
  const n = job.data.notification as unknown as Notification;
  const base: DeliveryBase = { channel, key, ticketId: new Types.ObjectId(n.ticket.id), ticketNumber: n.ticket.number };
  const notifier = set.outside.find((x) => x.channel === channel);
  if (!notifier) {
    await set.log.record(deliveryId(key, channel), base, 'failed', `channel ${channel} is not configured in this process`);
    return 'not_configured';
  }
  // Runs so far, this one included: deferrals for Retry-After do not count as attempts in BullMQ, so they are bounded here.
  const run = Math.max(job.attemptsStarted ?? 0, job.attemptsMade + 1);
  const lastRun = run >= (job.opts.attempts ?? 1);
  const outcomes: Outcome[] = [];
  for (const d of notifier.plan(n)) outcomes.push(await deliverOne(set.log, notifier, n, d, base, String(job.id), lastRun));

  const describe = (list: Outcome[]) => list.map((o) => `${o.id}: ${'error' in o ? o.error : o.outcome}`).join('; ');
  const retry = outcomes.filter((o) => o.outcome === 'retry');
  if (retry.length > 0) {
    if (lastRun) throw new UnrecoverableError(describe(retry));
    const wait = Math.max(0, ...retry.map((o) => ('retryAfterMs' in o ? (o.retryAfterMs ?? 0) : 0)));
    if (wait > backoffAfter(job) && job.token) {
      await job.moveToDelayed(Date.now() + wait, job.token);
      throw new DelayedError(describe(retry));
    }
    throw new Error(describe(retry));
  }
  const failed = outcomes.filter((o) => o.outcome === 'failed');
  if (failed.length > 0) throw new UnrecoverableError(describe(failed));
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
  return [...counts].map(([k, v]) => (outcomes.length === 1 ? k : `${k}:${v}`)).join(',') || 'nothing';
}

/**
 * Recipients of a level for a unit: the A then B post (other handlers of the
 * unit when neither is set), and managers as the level climbs: the unit's,
 * its parents', the center's.
 */
export async function recipientsFor(unitId: string | null, level: EscalationLevel): Promise<Recipient[]> {
  const plan = recipientPlan(level);
  const out: Recipient[] = [];
  const add = (u: { _id: Types.ObjectId; displayName: string; phone?: string | null }, role: Recipient['role']) => {
    const userId = u._id.toHexString();
    if (!out.some((r) => r.userId === userId)) out.push({ userId, name: u.displayName, role, ...(u.phone ? { phone: u.phone } : {}) });
  };
  const unit = unitId ? await Unit.findById(unitId, { handlerA: 1, handlerB: 1, ancestors: 1 }).lean() : null;
  if (unit && plan.handlers) {
    const posts = [unit.handlerA, unit.handlerB].filter((x): x is Types.ObjectId => !!x);
    const users = posts.length ? await User.find({ _id: { $in: posts }, active: true }, { displayName: 1, phone: 1 }).lean() : [];
    for (const [i, id] of posts.entries()) {
      const u = users.find((x) => x._id.equals(id));
      if (u) add(u, i === 0 && unit.handlerA?.equals(id) ? 'handlerA' : 'handlerB');
    }
    if (out.length === 0) {
      for (const u of await User.find({ unitId: unit._id, role: 'unit_handler', active: true }, { displayName: 1, phone: 1 }).sort({ _id: 1 }).lean()) {
        add(u, 'handler');
      }
    }
  }
  const managerUnits: [string[], Recipient['role']][] = [];
  if (unit && plan.unitManagers) managerUnits.push([[unit._id], 'unitManager']);
  if (unit && plan.ancestorManagers && unit.ancestors.length) managerUnits.push([unit.ancestors, 'ancestorManager']);
  if (plan.centerManagers) {
    const centers = await Unit.find({ kind: 'center' }, { _id: 1 }).lean();
    managerUnits.push([centers.map((c) => c._id), 'centerManager']);
  }
  for (const [units, role] of managerUnits) {
    for (const u of await User.find({ unitId: { $in: units }, role: 'manager', active: true }, { displayName: 1, phone: 1 }).sort({ _id: 1 }).lean()) {
      add(u, role);
    }
  }
  return out;
}

/** Managers of the center: who decides extensions. */
export async function centerManagers(): Promise<Recipient[]> {
  const centers = await Unit.find({ kind: 'center' }, { _id: 1 }).lean();
  const users = await User.find({ unitId: { $in: centers.map((c) => c._id) }, role: 'manager', active: true }, { displayName: 1, phone: 1 }).lean();
  return users.map((u) => ({ userId: u._id.toHexString(), name: u.displayName, role: 'approver' as const, ...(u.phone ? { phone: u.phone } : {}) }));
}
