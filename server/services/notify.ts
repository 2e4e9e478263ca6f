/**
 * Notifications of time limits and extensions (issue 4).
 *
 * One interface, three real channels:
 *   - console: a `notices` document per recipient (the console reads them)
 *     plus a live event through the EventPublisher; written directly, and
 *     idempotent (`_id` = notification key + user), so a retried timer never
 *     notifies twice;
 *   - webhook: HTTP POST JSON, optionally HMAC-signed;
 *   - sms: the configured gateway (HTTP POST JSON); disabled when not
 *     configured, never faked.
 * Outside channels are delivered by the `notifications` queue with retries and
 * exponential backoff; a delivery that fails every attempt is recorded in
 * `notification_deliveries` with its error.
 */
import { createHmac } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { Types } from 'mongoose';
import type { Config } from '../config.ts';
import { recipientPlan } from '../domain/deadlines.ts';
import type { EscalationLevel } from '../domain/time-limits.ts';
import { Notice, NotificationDelivery, Unit, User, type NoticeRecord } from '../data/models/index.ts';
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
  kind: 'time_limit' | 'extension_requested' | 'extension_decided';
  ticket: { id: string; number: string; title: string | null; unitId: string | null; unitName: string | null };
  level?: EscalationLevel;
  milestone?: string;
  title: string;
  text: string;
  dueAt?: string;
  at: string;
  recipients: Recipient[];
}

/** A delivery channel. `send` throws on failure (the queue retries). */
export interface Notifier {
  readonly channel: 'console' | 'webhook' | 'sms';
  readonly enabled: boolean;
  send(n: Notification): Promise<void>;
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

export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';
  readonly enabled: boolean;
  constructor(
    private readonly url: string | undefined,
    private readonly secret: string | undefined,
    private readonly timeoutMs = 10_000,
  ) {
    this.enabled = !!url;
  }

  async send(n: Notification): Promise<void> {
    if (!this.url) throw new Error('webhook not configured');
    // Staff phone numbers stay out of the webhook payload.
    const body = JSON.stringify({ ...n, recipients: n.recipients.map(({ phone: _phone, ...r }) => r) });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-hotline-event': n.kind, 'x-hotline-delivery': n.key };
    if (this.secret) headers['x-hotline-signature'] = `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`;
    const res = await fetch(this.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
  }
}

/** SMS through the city's gateway: POST {to, content, sign} with a bearer token. */
export class SmsGatewayNotifier implements Notifier {
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

  async send(n: Notification): Promise<void> {
    if (!this.url || !this.token) throw new Error('SMS gateway not configured');
    const to = [...new Set(n.recipients.map((r) => r.phone).filter((p): p is string => !!p))];
    if (to.length === 0) return;
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ to, content: `【${this.sign}】${n.title}：${n.text}`, sign: this.sign, reference: n.key }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`SMS gateway answered HTTP ${res.status}`);
  }
}

export interface NotifierSet {
  console: ConsoleNotifier;
  outside: Notifier[];
  queue: Queue | null;
  attempts: number;
  backoffMs: number;
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
    const job: NotificationJob = { channel: notifier.channel as NotificationJob['channel'], key: n.key, notification: n as unknown as Record<string, unknown> };
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

/** The notifications queue processor: one channel, one attempt; the last failed attempt leaves a record. */
export async function processNotificationJob(set: NotifierSet, job: Job<NotificationJob>): Promise<string> {
  const { channel, key, notification } = job.data;
  const notifier = set.outside.find((x) => x.channel === channel);
  const attempts = job.opts.attempts ?? 1;
  const record = (status: 'sent' | 'failed', error?: string) =>
    NotificationDelivery.updateOne(
      { _id: job.id },
      {
        $set: {
          channel,
          key,
          ticketId: new Types.ObjectId((notification as unknown as Notification).ticket.id),
          ticketNumber: (notification as unknown as Notification).ticket.number,
          status,
          attempts: job.attemptsMade + 1,
          at: new Date(),
          ...(error ? { error } : {}),
        },
      },
      { upsert: true },
    );
  if (!notifier) {
    await record('failed', `channel ${channel} is not configured in this process`);
    return 'not_configured';
  }
  try {
    await notifier.send(notification as unknown as Notification);
  } catch (err) {
    const message = (err as Error).message;
    if (job.attemptsMade + 1 >= attempts) {
      await record('failed', message);
      logger.warn({ channel, key, attempts, err: message }, 'notification failed after every attempt');
    }
    throw err;
  }
  await record('sent');
  return 'sent';
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
