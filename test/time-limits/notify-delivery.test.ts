/**
 * Delivery guarantees of the outside channels, against a real local HTTP
 * server, the real `notifications` queue and workers, and the real store:
 *   - an SMS recipient without a mobile number is recorded as skipped, never sent;
 *   - a permanent 4xx fails at once (one request, a failed record); 408, 429
 *     (with Retry-After), 5xx and dropped connections are retried;
 *   - each delivery is claimed before its request: a crash between the request
 *     and its record resends with the same delivery id, a finished delivery is
 *     never sent again, and a live claim of another sender is left alone.
 */
import test from 'ava';
import { Types } from 'mongoose';
import { startTestApp, eventually, type TestApp } from '../helpers/harness.ts';
import { NotificationDelivery, Ticket, type TicketDoc } from '../../server/data/models/index.ts';
import { fireTimer, timeLimitRuntime } from '../../server/services/deadlines.ts';
import {
  CLAIM_LEASE_MS,
  DeliveryLog,
  deliver,
  deliveryId,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  notificationJobId,
  parseRetryAfter,
  verifyWebhook,
  type Notification,
  type NotifierSet,
  type Recipient,
} from '../../server/services/notify.ts';
import { OutsideReceiver, type Received } from './outside-receiver.ts';

const WEBHOOK_SECRET = 'whsec-delivery-test-0123456789';
const ATTEMPTS = 3;
const BACKOFF_MS = 150;

const outside = new OutsideReceiver();
let app: TestApp;
let set: NotifierSet;

test.before(async () => {
  await outside.start();
  app = await startTestApp({
    workers: true,
    env: {
      NOTIFY_WEBHOOK_URL: outside.url('/webhook'),
      NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SMS_GATEWAY_URL: outside.url('/sms'),
      SMS_GATEWAY_TOKEN: 'sms-token-delivery-123456',
      NOTIFY_ATTEMPTS: String(ATTEMPTS),
      NOTIFY_BACKOFF_MS: String(BACKOFF_MS),
    },
  });
  set = timeLimitRuntime()!.notifiers;
});
test.after.always(async () => {
  await app?.stop();
  await outside.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let seq = 0;
/** A notification about a (not stored) ticket: the outside channels need only its payload. */
function notification(label: string, recipients: Recipient[]): Notification {
  const id = new Types.ObjectId().toHexString();
  const number = `TEST-${label}-${++seq}`;
  return {
    key: `${id}:manual:${label}-${seq}`,
    kind: 'time_limit',
    ticket: { id, number, title: '测试工单', unitId: 'st-a1', unitName: '东湖区湖滨街道办事处' },
    level: 'warning',
    milestone: 'accept',
    title: `即将超时：工单 ${number}`,
    text: `工单 ${number}「测试工单」签收时限即将到期`,
    at: new Date().toISOString(),
    recipients,
  };
}

const handler = (userId: string, phone?: string): Recipient => ({ userId, name: `承办人${userId.slice(-4)}`, role: 'handler', ...(phone ? { phone } : {}) });
const someUser = () => new Types.ObjectId().toHexString();

const recordWhen = (id: string, status: string, timeoutMs = 10_000) =>
  eventually(async () => {
    const r = await NotificationDelivery.findById(id).lean();
    return r?.status === status && r;
  }, timeoutMs);

/** The channel's queue job once it is finished (completed or failed). */
const finishedJob = (key: string, channel: 'webhook' | 'sms', timeoutMs = 10_000) =>
  eventually(async () => {
    // The state first, then the job: a job read before it finished keeps no return value (a loaded CI run saw null).
    const id = notificationJobId(key, channel);
    const state = await set.queue!.getJobState(id);
    return (state === 'completed' || state === 'failed') && { state, job: (await set.queue!.getJob(id))! };
  }, timeoutMs);

test.serial('SMS: a fired level whose handler has no mobile number is recorded as skipped, never as sent', async (t) => {
  // h-a1 (the lead unit's handler) has no phone number in this file.
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { phone: '13911113333' }, type: 'complaint', urgency: 'critical', title: '路面塌陷', content: '路口路面塌陷一个大坑，车辆无法通行。' },
  });
  const tk = res.body.ticket;
  const routed = await eventually(async () => {
    const x = await Ticket.findById(tk.id, { status: 1, version: 1 }).lean();
    return x && x.status !== 'new' ? x : null;
  });
  const d = await app.api('POST', `/api/v1/tickets/${tk.id}/actions/dispatch`, { token: await app.login('disp'), body: { version: routed.version, leadUnitId: 'st-a1' } });
  t.is(d.status, 200, JSON.stringify(d.body));
  const doc = (await Ticket.findById(tk.id).lean<TicketDoc>())!;
  t.is(await fireTimer({ ticketId: tk.id, version: 1, milestone: 'accept', level: 'warning', fireAt: new Date().toISOString() }), 'fired');
  const key = `${tk.id}:v1:accept.warning`;
  const h = app.fx.users['h-a1']!.id;

  const { state, job } = await finishedJob(key, 'sms');
  t.is(state, 'completed');
  t.is(job.returnvalue, 'skipped');
  const rec = (await NotificationDelivery.findById(deliveryId(key, 'sms', h)).lean())!;
  t.is(rec.status, 'skipped');
  t.regex(rec.reason ?? '', /no mobile number/);
  t.deepEqual(rec.recipients, [h]);
  t.is(rec.attempts, 0);
  t.is(rec.ticketNumber, doc.number);
  t.is(await NotificationDelivery.countDocuments({ key, channel: 'sms', status: 'sent' }), 0, 'nothing recorded as sent');
  t.is(outside.requestsFor('/sms', key).length, 0, 'nothing reached the gateway');
  // The webhook of the same level went out as usual.
  await recordWhen(deliveryId(key, 'webhook'), 'sent');
});

test.serial('SMS: one message per number; a recipient without one is skipped, two sharing one get one message', async (t) => {
  const [a, b, c, e] = [someUser(), someUser(), someUser(), someUser()];
  const n = notification('mixed', [handler(a, '13700002222'), handler(b), handler(c, '13700002222'), handler(e, '13700003333')]);
  await deliver(set, n);
  const { state } = await finishedJob(n.key, 'sms');
  t.is(state, 'completed');

  const reqs = outside.requestsFor('/sms', n.key);
  t.deepEqual(reqs.map((r) => r.body.to).sort(), [['13700002222'], ['13700003333']]);
  const recs = await NotificationDelivery.find({ key: n.key, channel: 'sms' }).sort({ _id: 1 }).lean();
  const byId = new Map(recs.map((r) => [r._id, r]));
  t.is(recs.length, 3);
  t.is(byId.get(deliveryId(n.key, 'sms', a))?.status, 'sent');
  t.deepEqual(byId.get(deliveryId(n.key, 'sms', a))?.recipients, [a, c]);
  t.is(byId.get(deliveryId(n.key, 'sms', e))?.status, 'sent');
  t.is(byId.get(deliveryId(n.key, 'sms', b))?.status, 'skipped');
  t.regex(byId.get(deliveryId(n.key, 'sms', b))?.reason ?? '', /no mobile number/);

  // Nobody to send to at all: one skipped record, no request.
  const none = notification('nobody', []);
  await deliver(set, none);
  await finishedJob(none.key, 'sms');
  t.is((await NotificationDelivery.findById(deliveryId(none.key, 'sms')).lean())?.status, 'skipped');
  t.is(outside.requestsFor('/sms', none.key).length, 0);
});

test.serial('permanent 4xx (400, 401, 403, 404, 410, 422) fail at once: one request, a failed record, a failed job', async (t) => {
  const statuses = [400, 401, 403, 404, 410, 422];
  const ns = statuses.map((status) => {
    const n = notification(`http${status}`, [handler(someUser(), '13700004444')]);
    // Answered once with the error; were it retried, the next answer would be 200 and the record 'sent'.
    outside.answer('/webhook', n.key, { status, body: `{"error":"refused ${status}"}` });
    return n;
  });
  await Promise.all(ns.map((n) => deliver(set, n)));
  for (const [i, n] of ns.entries()) {
    const status = statuses[i]!;
    const rec = await recordWhen(deliveryId(n.key, 'webhook'), 'failed');
    t.is(rec.attempts, 1, `HTTP ${status}: one attempt`);
    t.is(rec.httpStatus, status);
    t.regex(rec.error ?? '', new RegExp(`HTTP ${status}: \\{"error":"refused ${status}"\\}`), 'the receiver\'s answer is kept for operations');
    const { state } = await finishedJob(n.key, 'webhook');
    t.is(state, 'failed', `HTTP ${status}: the job failed without retries`);
  }
  await sleep(BACKOFF_MS * 4);
  for (const n of ns) t.is(outside.requestsFor('/webhook', n.key).length, 1);

  // The SMS gateway refusing the token: same rule.
  const sms = notification('sms401', [handler(someUser(), '13700005555')]);
  outside.answer('/sms', sms.key, { status: 401, body: '{"error":"bad token"}' });
  await deliver(set, sms);
  const rec = await recordWhen(deliveryId(sms.key, 'sms', sms.recipients[0]!.userId), 'failed');
  t.is(rec.attempts, 1);
  t.is(rec.httpStatus, 401);
  t.is((await finishedJob(sms.key, 'sms')).state, 'failed');
  t.is(outside.requestsFor('/sms', sms.key).length, 1);
});

test.serial('retryable answers are retried: 408, 429 with Retry-After, 429 without, 503 and a dropped connection', async (t) => {
  const n408 = notification('http408', []);
  const n429 = notification('http429', []);
  const n429b = notification('http429-nohint', []);
  const n503 = notification('http503', []);
  const drop = notification('drop', []);
  outside.answer('/webhook', n408.key, { status: 408 });
  outside.answer('/webhook', n429.key, { status: 429, headers: { 'retry-after': '1' } });
  outside.answer('/webhook', n429b.key, { status: 429 });
  outside.answer('/webhook', n503.key, { status: 503 });
  outside.answer('/webhook', drop.key, 'drop');
  const all = [n408, n429, n429b, n503, drop];
  await Promise.all(all.map((n) => deliver(set, n)));

  // While the 429 waits for its Retry-After, its record says why.
  const waiting = await recordWhen(deliveryId(n429.key, 'webhook'), 'retrying');
  t.is(waiting.httpStatus, 429);
  t.regex(waiting.error ?? '', /HTTP 429/);

  for (const n of all) {
    const rec = await recordWhen(deliveryId(n.key, 'webhook'), 'sent');
    t.is(rec.attempts, 2, n.key);
    t.is(rec.error, undefined, 'the sent record carries no stale error');
    const hits = outside.requestsFor('/webhook', n.key);
    t.is(hits.length, 2, n.key);
    t.is(hits[0]!.headers['x-hotline-delivery'], hits[1]!.headers['x-hotline-delivery']);
    t.is((await finishedJob(n.key, 'webhook')).state, 'completed');
  }
  const gap = (n: Notification) => {
    const [a, b] = outside.requestsFor('/webhook', n.key);
    return b!.at - a!.at;
  };
  // Retry-After: 1 s is honoured (the backoff alone would be BACKOFF_MS); without it, the backoff applies.
  t.true(gap(n429) >= 950, `429 with Retry-After retried after ${gap(n429)} ms`);
  t.true(gap(n429b) >= BACKOFF_MS * 0.9, `429 without Retry-After retried after ${gap(n429b)} ms`);
  t.true(gap(n408) >= BACKOFF_MS * 0.9, `408 retried after ${gap(n408)} ms`);
});

test.serial('status classes and Retry-After parsing', (t) => {
  for (const s of [400, 401, 403, 404, 405, 409, 410, 413, 422]) t.false(isRetryableStatus(s), String(s));
  for (const s of [408, 425, 429, 500, 502, 503, 504]) t.true(isRetryableStatus(s), String(s));
  const now = Date.parse('2026-01-05T08:00:00Z');
  t.is(parseRetryAfter('7', now), 7000);
  t.is(parseRetryAfter(' 0 ', now), 0);
  t.is(parseRetryAfter('Mon, 05 Jan 2026 08:00:30 GMT', now), 30_000);
  t.is(parseRetryAfter('Mon, 05 Jan 2026 07:00:00 GMT', now), 0, 'a date in the past: at once');
  t.is(parseRetryAfter('86400', now), MAX_RETRY_AFTER_MS, 'capped');
  t.is(parseRetryAfter('soon', now), undefined);
  t.is(parseRetryAfter(null, now), undefined);
});

/** A delivery log whose 'sent' write for one delivery fails once: the crash between the request and its record. */
class LosesOneSentRecord extends DeliveryLog {
  lost = 0;
  constructor(private readonly target: string) {
    super();
  }
  override async settle(id: string, status: 'sent' | 'retrying' | 'failed', fields?: { error?: string; httpStatus?: number }, now?: Date): Promise<void> {
    if (id === this.target && status === 'sent' && this.lost === 0) {
      this.lost++;
      throw new Error('simulated: the store went away after the request');
    }
    return super.settle(id, status, fields, now);
  }
}

const verified = (r: Received) => verifyWebhook(WEBHOOK_SECRET, r.headers['x-hotline-signature'] as string, r.raw, { nowMs: r.at }).ok;

test.serial('crash between the request and its record: the retry resends with the same delivery id, then never again', async (t) => {
  const n = notification('crash', []);
  const id = deliveryId(n.key, 'webhook');
  const flaky = new LosesOneSentRecord(id);
  const original = set.log;
  set.log = flaky;
  try {
    await deliver(set, n);
    const rec = await recordWhen(id, 'sent');
    t.is(flaky.lost, 1, 'the first sent record was lost');
    t.is(rec.attempts, 2);
  } finally {
    set.log = original;
  }
  const hits = outside.requestsFor('/webhook', n.key);
  t.is(hits.length, 2, 'the receiver saw the resend ...');
  t.deepEqual(
    hits.map((h) => [h.headers['x-hotline-delivery'], h.body.delivery]),
    [
      [id, id],
      [id, id],
    ],
    '... with the same delivery id, so it processes the notification once',
  );
  t.is(hits[0]!.raw, hits[1]!.raw, 'the same body');
  t.true(hits.every(verified), 'each request signed (fresh timestamp) and verifiable');
  t.is((await finishedJob(n.key, 'webhook')).state, 'completed');

  // The job is gone (say, removed after a week) and the notification delivered again: the record says sent, nothing goes out.
  await (await set.queue!.getJob(notificationJobId(n.key, 'webhook')))!.remove();
  await deliver(set, n);
  const again = await finishedJob(n.key, 'webhook');
  t.is(again.state, 'completed');
  t.is(again.job.returnvalue, 'done');
  t.is(outside.requestsFor('/webhook', n.key).length, 2);
});

test.serial('a stale claim of a dead sender is taken over: exactly one request, with the delivery id', async (t) => {
  const n = notification('stale', []);
  const id = deliveryId(n.key, 'webhook');
  const long = new Date(Date.now() - CLAIM_LEASE_MS - 5000);
  await NotificationDelivery.create({ _id: id, channel: 'webhook', key: n.key, status: 'sending', attempts: 1, jobId: 'n-crashed-worker', claimedAt: long, at: long });
  await deliver(set, n);
  const rec = await recordWhen(id, 'sent');
  t.is(rec.attempts, 2, 'counted as the second attempt of the delivery');
  t.is(rec.jobId, notificationJobId(n.key, 'webhook'));
  const hits = outside.requestsFor('/webhook', n.key);
  t.is(hits.length, 1);
  t.is(hits[0]!.headers['x-hotline-delivery'], id);
  t.true(verified(hits[0]!));
});

test.serial('a live claim of another sender is left alone: nothing sent, the job gives up, the claim stays', async (t) => {
  const n = notification('busy', [handler(someUser(), '13700006666')]);
  const id = deliveryId(n.key, 'webhook');
  const now = new Date();
  await NotificationDelivery.create({ _id: id, channel: 'webhook', key: n.key, status: 'sending', attempts: 1, jobId: 'n-other-worker', claimedAt: now, at: now });
  await deliver(set, n);
  const { state, job } = await finishedJob(n.key, 'webhook');
  t.is(state, 'failed');
  t.regex(job.failedReason ?? '', /being sent by job n-other-worker/);
  t.is(outside.requestsFor('/webhook', n.key).length, 0);
  const rec = (await NotificationDelivery.findById(id).lean())!;
  t.is(rec.status, 'sending');
  t.is(rec.jobId, 'n-other-worker');
  // The other channel of the notification is not held up.
  await recordWhen(deliveryId(n.key, 'sms', n.recipients[0]!.userId), 'sent');
});

test.serial('claims are exclusive on the store: of 20 concurrent claimers of one delivery, exactly one sends', async (t) => {
  const log = new DeliveryLog();
  const id = `${new Types.ObjectId().toHexString()}:manual:race:webhook`;
  const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => log.claim(id, { channel: 'webhook', key: id }, `job-${i}`)));
  t.is(claims.filter((c) => c.kind === 'claimed').length, 1);
  t.is(claims.filter((c) => c.kind === 'busy').length, 19);
});
