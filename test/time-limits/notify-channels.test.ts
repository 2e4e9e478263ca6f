/**
 * Outside notification channels (webhook, SMS gateway) against a real local
 * HTTP server on 127.0.0.1: a time-limit level fires, the `notifications`
 * queue (real workers) delivers, retries with backoff, and records the
 * outcome in `notification_deliveries`.
 */
import test from 'ava';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startTestApp, eventually, type TestApp } from '../helpers/harness.ts';
import { NotificationDelivery, Ticket, User, type TicketDoc } from '../../server/data/models/index.ts';
import { fireTimer, timeLimitRuntime } from '../../server/services/deadlines.ts';
import {
  createNotifiers,
  deliver,
  deliveryId,
  notificationJobId,
  signWebhook,
  SmsGatewayNotifier,
  verifyWebhook,
  WebhookNotifier,
  WEBHOOK_TOLERANCE_SEC,
  type Notification,
} from '../../server/services/notify.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import type { TimerJob } from '../../server/queue/queues.ts';
import { OutsideReceiver, type OutsidePath } from './outside-receiver.ts';

const WEBHOOK_SECRET = 'whsec-notify-test-0123456789';
const SMS_TOKEN = 'sms-token-abcdef123456';
const HANDLER_PHONE = '13700001111';
const ATTEMPTS = 3;
const BACKOFF_MS = 150;

const outside = new OutsideReceiver();
let app: TestApp;

test.before(async () => {
  await outside.start();
  app = await startTestApp({
    workers: true,
    env: {
      NOTIFY_WEBHOOK_URL: outside.url('/webhook'),
      NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SMS_GATEWAY_URL: outside.url('/sms'),
      SMS_GATEWAY_TOKEN: SMS_TOKEN,
      NOTIFY_ATTEMPTS: String(ATTEMPTS),
      NOTIFY_BACKOFF_MS: String(BACKOFF_MS),
    },
  });
  // The unit's handler has a mobile number: the SMS recipient.
  await User.updateOne({ username: 'h-a1' }, { $set: { phone: HANDLER_PHONE } });
});
test.after.always(async () => {
  await app?.stop();
  await outside.stop();
});

async function dispatchedTicket(title: string) {
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { phone: '13911112222' }, type: 'complaint', urgency: 'critical', title, content: '小区门口夜间施工噪音扰民，凌晨还在施工。' },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(JSON.stringify(res.body));
  const tk = res.body.ticket;
  // The routing worker processes the new ticket first (a change of its own): dispatch the routed version.
  const routed = await eventually(async () => {
    const t = await Ticket.findById(tk.id, { status: 1, version: 1 }).lean();
    return t && t.status !== 'new' ? t : null;
  });
  const d = await app.api('POST', `/api/v1/tickets/${tk.id}/actions/dispatch`, { token: await app.login('disp'), body: { version: routed.version, leadUnitId: 'st-a1' } });
  if (d.status !== 200) throw new Error(JSON.stringify(d.body));
  const doc = (await Ticket.findById(tk.id).lean<TicketDoc>())!;
  return { id: tk.id as string, number: doc.number };
}

const timerJob = (ticketId: string, milestone: TimerJob['milestone'], level: TimerJob['level']): TimerJob => ({
  ticketId,
  version: 1,
  milestone,
  level,
  fireAt: new Date().toISOString(),
});

const requestsFor = (path: OutsidePath, key: string) => outside.requestsFor(path, key);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The delivery record once it reaches `status`. */
const recordWhen = (id: string, status: string, timeoutMs = 10_000) =>
  eventually(async () => {
    const r = await NotificationDelivery.findById(id).lean();
    return r?.status === status && r;
  }, timeoutMs);

test.serial('webhook: a fired level is POSTed as signed JSON with the ticket number, level and Chinese text', async (t) => {
  const tk = await dispatchedTicket('施工噪音');
  t.is(await fireTimer(timerJob(tk.id, 'accept', 'due')), 'fired');
  const key = `${tk.id}:v1:accept.due`;

  const [req] = await eventually(async () => requestsFor('/webhook', key).length > 0 && requestsFor('/webhook', key));
  t.is(req!.headers['content-type'], 'application/json');
  t.is(req!.headers['x-hotline-event'], 'time_limit');
  t.is(req!.body.kind, 'time_limit');
  t.is(req!.body.key, key);
  t.is(req!.body.ticket.id, tk.id);
  t.is(req!.body.ticket.number, tk.number);
  t.is(req!.body.ticket.unitId, 'st-a1');
  t.is(req!.body.level, 'due');
  t.is(req!.body.milestone, 'accept');
  t.true((req!.body.title as string).endsWith(`：工单 ${tk.number}`), req!.body.title);
  t.regex(req!.body.text, /^工单 .*「施工噪音」/);
  t.regex(req!.body.text, /签收时限已于 .* 到期/);
  t.truthy(Date.parse(req!.body.dueAt));

  // Recipients are named, but staff phone numbers stay out of the webhook.
  const handler = app.fx.users['h-a1']!.id;
  t.deepEqual(
    req!.body.recipients.map((r: { userId: string }) => r.userId),
    [handler],
  );
  t.false(req!.raw.includes(HANDLER_PHONE), 'no phone number in the webhook body');

  // The delivery id is in the header and in the signed body: what the receiver deduplicates on.
  const delivery = deliveryId(key, 'webhook');
  t.is(req!.headers['x-hotline-delivery'], delivery);
  t.is(req!.body.delivery, delivery);

  // Signature `t=<unix>,v1=<hex>`: HMAC-SHA256 of "<t>.<exact body bytes>" with the configured secret, t fresh.
  const sig = req!.headers['x-hotline-signature'] as string;
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
  t.truthy(m, sig);
  const ts = Number(m![1]);
  t.true(Math.abs(req!.at / 1000 - ts) <= 2, `timestamp ${ts} is the moment of sending (received at ${req!.at})`);
  const expected = createHmac('sha256', WEBHOOK_SECRET).update(`${ts}.${req!.raw}`).digest();
  t.true(timingSafeEqual(Buffer.from(m![2]!, 'hex'), expected), 'signature verifies with the secret over timestamp.body');
  // The receiver's rule (verifyWebhook) accepts it as received ...
  t.deepEqual(verifyWebhook(WEBHOOK_SECRET, sig, req!.raw, { nowMs: req!.at }), { ok: true, timestamp: ts });
  // ... refuses the same capture replayed after the tolerance window, a changed body, another secret, an unsigned request,
  t.deepEqual(verifyWebhook(WEBHOOK_SECRET, sig, req!.raw, { nowMs: req!.at + (WEBHOOK_TOLERANCE_SEC + 1) * 1000 }), { ok: false, reason: 'stale' });
  t.deepEqual(verifyWebhook(WEBHOOK_SECRET, sig, req!.raw.replace('施工噪音', '施工噪声'), { nowMs: req!.at }), { ok: false, reason: 'mismatch' });
  t.deepEqual(verifyWebhook('another-secret-0123456789', sig, req!.raw, { nowMs: req!.at }), { ok: false, reason: 'mismatch' });
  t.deepEqual(verifyWebhook(WEBHOOK_SECRET, undefined, req!.raw, { nowMs: req!.at }), { ok: false, reason: 'malformed' });
  // ... and a replay whose timestamp was rewritten to look fresh (the signature no longer matches).
  const refreshed = sig.replace(`t=${ts}`, `t=${ts + 600}`);
  t.deepEqual(verifyWebhook(WEBHOOK_SECRET, refreshed, req!.raw, { nowMs: req!.at + 600_000 }), { ok: false, reason: 'mismatch' });
  // A genuine signature made later over the same body verifies then, so a resend passes while a replay does not.
  t.true(verifyWebhook(WEBHOOK_SECRET, signWebhook(WEBHOOK_SECRET, req!.raw, req!.at + 600_000), req!.raw, { nowMs: req!.at + 600_000 }).ok);

  const rec = await eventually(async () => {
    const r = await NotificationDelivery.findById(delivery).lean();
    return r?.status === 'sent' && r;
  });
  t.is(rec.attempts, 1);
  t.is(rec.channel, 'webhook');
  t.is(rec.key, key);
  t.is(rec.ticketNumber, tk.number);
  t.truthy(rec.sentAt);

  // The same level fired again (a retried timer) does not POST twice.
  t.is(await fireTimer(timerJob(tk.id, 'accept', 'due')), 'already_fired');
  await sleep(500);
  t.is(requestsFor('/webhook', key).length, 1);
});

test.serial('webhook failure: HTTP 500 is retried with backoff, and the final failure is recorded', async (t) => {
  const tk = await dispatchedTicket('井盖缺失');
  const key = `${tk.id}:v1:accept.due`;
  outside.answer('/webhook', key, ...Array.from({ length: ATTEMPTS }, () => ({ status: 500, body: '{"error":"boom"}' })));
  t.is(await fireTimer(timerJob(tk.id, 'accept', 'due')), 'fired');

  const rec = await recordWhen(deliveryId(key, 'webhook'), 'failed', 15_000);
  const hits = requestsFor('/webhook', key);
  t.is(hits.length, ATTEMPTS, 'one request per attempt');
  t.is(rec.attempts, ATTEMPTS);
  t.is(rec.channel, 'webhook');
  t.is(rec.key, key);
  t.is(rec.ticketNumber, tk.number);
  t.regex(rec.error ?? '', /HTTP 500/);
  t.is(rec.httpStatus, 500);
  // Every resend carried the same delivery id (the receiver can tell them apart from new notifications).
  t.deepEqual(new Set(hits.map((h) => h.headers['x-hotline-delivery'])), new Set([deliveryId(key, 'webhook')]));
  // Exponential backoff: the retries wait (at least) BACKOFF_MS, then twice that.
  t.true(hits[1]!.at - hits[0]!.at >= BACKOFF_MS * 0.9, `first retry after ${hits[1]!.at - hits[0]!.at} ms`);
  t.true(hits[2]!.at - hits[1]!.at >= BACKOFF_MS * 2 * 0.9, `second retry after ${hits[2]!.at - hits[1]!.at} ms`);

  // Every attempt is used up: no further request, and the BullMQ job is failed.
  await sleep(BACKOFF_MS * 8);
  t.is(requestsFor('/webhook', key).length, ATTEMPTS);
  const job = await timeLimitRuntime()!.notifiers.queue!.getJob(notificationJobId(key, 'webhook'));
  t.is(await job!.getState(), 'failed');

  // The SMS channel of the same notification is independent and succeeded.
  const sms = await recordWhen(deliveryId(key, 'sms', app.fx.users['h-a1']!.id), 'sent');
  t.deepEqual(sms.recipients, [app.fx.users['h-a1']!.id]);
  t.is(requestsFor('/sms', key).length, 1);
});

test.serial('SMS: the gateway receives the bearer token, the recipient phone and the signed Chinese text', async (t) => {
  const tk = await dispatchedTicket('路灯不亮');
  t.is(await fireTimer(timerJob(tk.id, 'accept', 'warning')), 'fired');
  const key = `${tk.id}:v1:accept.warning`;

  const [req] = await eventually(async () => requestsFor('/sms', key).length > 0 && requestsFor('/sms', key));
  t.is(req!.headers.authorization, `Bearer ${SMS_TOKEN}`);
  t.is(req!.headers['content-type'], 'application/json');
  t.deepEqual(req!.body.to, [HANDLER_PHONE]);
  t.is(req!.body.sign, '12345热线');
  t.true((req!.body.content as string).startsWith('【12345热线】'), req!.body.content);
  t.true((req!.body.content as string).includes(`工单 ${tk.number}「路灯不亮」`), req!.body.content);

  t.is(req!.body.reference, deliveryId(key, 'sms', app.fx.users['h-a1']!.id), 'the gateway reference is the delivery id');

  const rec = await recordWhen(deliveryId(key, 'sms', app.fx.users['h-a1']!.id), 'sent');
  t.is(rec.attempts, 1);
});

test.serial('SMS unset: no SMS channel, nothing reaches the gateway', async (t) => {
  const { SMS_GATEWAY_URL: _url, SMS_GATEWAY_TOKEN: _token, ...rest } = app.env;
  const config = loadConfig(rest);
  t.is(config.SMS_GATEWAY_URL, undefined);
  const runtime = timeLimitRuntime()!;
  // This process's configuration has both channels; the same one without the gateway has the webhook only.
  t.deepEqual(runtime.notifiers.outside.map((n) => n.channel).sort(), ['sms', 'webhook']);
  const set = createNotifiers(config, runtime.notifiers.queue);
  t.deepEqual(set.outside.map((n) => n.channel), ['webhook']);
  t.false(new SmsGatewayNotifier(undefined, undefined, '12345热线').enabled);
  t.false(new SmsGatewayNotifier(rest.NOTIFY_WEBHOOK_URL, undefined, '12345热线').enabled, 'a URL without a token is not enough');
  t.false(new WebhookNotifier(undefined, undefined).enabled);
  // A gateway URL without its token is a configuration error, not a silent half-configured channel.
  t.throws(() => loadConfig({ ...rest, SMS_GATEWAY_URL: app.env.SMS_GATEWAY_URL }), { instanceOf: ConfigError, message: /SMS_GATEWAY_TOKEN/ });

  // Deliver a real notification through the real queue (whose workers could send SMS): only the webhook goes out.
  const tk = await dispatchedTicket('垃圾未清运');
  const key = `${tk.id}:manual:sms-unset`;
  const n: Notification = {
    key,
    kind: 'time_limit',
    ticket: { id: tk.id, number: tk.number, title: '垃圾未清运', unitId: 'st-a1', unitName: '东湖区湖滨街道办事处' },
    level: 'warning',
    milestone: 'accept',
    title: `即将超时：工单 ${tk.number}`,
    text: `工单 ${tk.number}「垃圾未清运」签收时限即将到期`,
    at: new Date().toISOString(),
    recipients: [{ userId: app.fx.users['h-a1']!.id, name: '湖滨街道承办人', role: 'handler', phone: HANDLER_PHONE }],
  };
  await deliver(set, n);
  await eventually(async () => requestsFor('/webhook', key).length > 0);
  await recordWhen(deliveryId(key, 'webhook'), 'sent');
  await sleep(500);
  t.is(requestsFor('/sms', key).length, 0, 'nothing sent to the gateway');
  t.is(await runtime.notifiers.queue!.getJob(notificationJobId(key, 'sms')), undefined, 'no SMS job queued');
  t.is(await NotificationDelivery.countDocuments({ key, channel: 'sms' }), 0);
});
