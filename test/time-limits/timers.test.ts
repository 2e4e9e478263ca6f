import test from 'ava';
import { Types } from 'mongoose';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Notice, Ticket, TicketChange, type TicketDoc } from '../../server/data/models/index.ts';
import { Worker } from 'bullmq';
import { fireTimer, reconcileTimers, restartClock, TIMER_HORIZON_MS, timeLimitRuntime, timerProcessor } from '../../server/services/deadlines.ts';
import { applyTicketChange, claimedChange, claimRecord } from '../../server/data/tickets.ts';
import { createRedis } from '../../server/redis.ts';
import { QUEUES, TIMER_JOB_OPTIONS } from '../../server/queue/queues.ts';
import { TimerSchedule, type TimerScheduleRecord } from '../../server/data/models/timer-schedule.ts';
import { storedDeadlines, timerJobId } from '../../server/domain/deadlines.ts';
import type { TimerJob } from '../../server/queue/queues.ts';

let app: TestApp;
let worker: Worker | null = null;
let connection: ReturnType<typeof createRedis> | null = null;
let probe: ReturnType<typeof createRedis> | null = null;
test.before(async () => {
  app = await startTestApp();
});
test.after.always(async () => {
  await worker?.close();
  connection?.disconnect();
  probe?.disconnect();
  await app?.stop();
});

/** The real timers processor on this app's queue (started by the serial tests that need it). */
function startWorker(): void {
  if (worker) return;
  connection = createRedis(app.env.REDIS_URL!, 'worker');
  worker = new Worker(QUEUES.timers, timerProcessor, { connection, prefix: app.env.REDIS_PREFIX!, concurrency: 2 });
  worker.on('error', () => undefined);
}

async function act(id: string, action: string, user: string, body: Record<string, unknown> = {}) {
  const version = (await stored(id)).version;
  const res = await app.api('POST', `/api/v1/tickets/${id}/actions/${action}`, { token: await app.login(user), body: { version, ...body } });
  if (res.status !== 200) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Put a job for one timer in the queue now (replacing any), as a stale or early arming would; wait until the worker has handled it. */
async function runJob(data: TimerJob): Promise<{ state: string; at: number | null }> {
  const queue = timeLimitRuntime()!.timersQueue!;
  const id = timerJobId(data.ticketId, data.version, data.milestone, data.level);
  await queue.remove(id);
  await queue.add('fire', data, { ...TIMER_JOB_OPTIONS, jobId: id });
  probe ??= createRedis(app.env.REDIS_URL!, 'worker');
  for (let i = 0; i < 200; i++) {
    const state = await queue.getJobState(id);
    if (state === 'delayed') {
      const score = Number(await probe.zscore(queue.toKey('delayed'), id));
      return { state, at: Math.floor(score / 0x1000) };
    }
    if (state === 'unknown' || state === 'completed' || state === 'failed') return { state, at: null };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} not handled`);
}

async function dispatchedTicket(urgency: 'normal' | 'critical' = 'normal', unit = 'st-a1') {
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { phone: '13911112222' }, type: 'complaint', urgency, title: '占道经营', content: '菜市场门口占道经营，早上走不通。' },
  });
  const tk = res.body.ticket;
  const d = await app.api('POST', `/api/v1/tickets/${tk.id}/actions/dispatch`, { token: await app.login('disp'), body: { version: tk.version, leadUnitId: unit } });
  if (d.status !== 200) throw new Error(JSON.stringify(d.body));
  return d.body.ticket as { id: string; version: number; deadlines: Record<string, unknown>; history: { type: string }[] };
}

const stored = async (id: string) => (await Ticket.findById(id).lean<TicketDoc>())!;
const scheduleEntry = (id: string, version: number) => TimerSchedule.findById(`${id}:${version}`).lean<TimerScheduleRecord>();
const job = (ticketId: string, version: number, milestone: TimerJob['milestone'], level: TimerJob['level']): TimerJob => ({
  ticketId,
  version,
  milestone,
  level,
  fireAt: new Date().toISOString(),
});

test('dispatch stores versioned deadlines (committed and statutory) in the same change, the whole timer schedule in MongoDB and the next window of jobs in Redis', async (t) => {
  for (const urgency of ['normal', 'critical'] as const) {
    const tk = await dispatchedTicket(urgency);
    t.is(tk.version, 2, 'created (1) then one dispatch change (2)');
    const doc = await stored(tk.id);
    const d = storedDeadlines(doc)!;
    t.is(d.version, 1);
    t.is(d.unitId, 'st-a1');
    t.truthy(d.resolve.dueAt && d.resolve.statutoryDueAt);
    t.deepEqual(doc.history.slice(-2).map((h) => h.type), ['dispatched', 'deadlines_set']);
    const changes = await TicketChange.find({ ticketId: doc._id }).lean();
    const dispatchChange = changes.map(claimedChange).find((c) => c.events.some((e) => e.type === 'dispatched'))!;
    t.truthy((dispatchChange.set as { deadlines?: unknown }).deadlines, 'deadlines written by the dispatch change itself');

    // One schedule entry for the version, holding all 8 timers with their instants.
    const entry = await scheduleEntry(tk.id, 1);
    t.truthy(entry);
    t.deepEqual(
      entry!.keys.map((k, i) => [k, entry!.at[i]!.getTime()]).sort(),
      d.timers.map((x) => [x.key, x.fireAt.getTime()]).sort(),
    );
    t.is(entry!.next.getTime(), Math.min(...d.timers.map((x) => x.fireAt.getTime())));

    // Redis: a job for exactly the timers due within the horizon, at their instant.
    const queue = timeLimitRuntime()!.timersQueue!;
    const until = Date.now() + TIMER_HORIZON_MS;
    const jobs = await Promise.all(d.timers.map((x) => queue.getJob(timerJobId(tk.id, 1, x.milestone, x.level))));
    for (const [i, j] of jobs.entries()) {
      const x = d.timers[i]!;
      if (x.fireAt.getTime() > until) {
        t.falsy(j, `${urgency} ${x.key} is beyond the horizon`);
        continue;
      }
      t.truthy(j, `${urgency} ${x.key} is within the horizon`);
      t.true(Math.abs(j!.timestamp + (j!.opts.delay ?? 0) - x.fireAt.getTime()) < 5000, x.key);
    }
    // 特急: clock-hour limits of 30 min, 1 h and 2 h, so its first six levels are in the window.
    if (urgency === 'critical') t.is(jobs.filter(Boolean).length, 6);
  }
});

test('a level fires once however many workers fire it at the same time; the ticket becomes overdue and filterable', async (t) => {
  const tk = await dispatchedTicket('critical');
  const results = await Promise.all(Array.from({ length: 8 }, () => fireTimer(job(tk.id, 1, 'accept', 'due'))));
  t.is(results.filter((r) => r === 'fired').length, 1, results.join(','));
  t.true(results.every((r) => r === 'fired' || r === 'already_fired'));
  const doc = await stored(tk.id);
  t.is(doc.history.filter((h) => h.type === 'time_limit_due').length, 1);
  t.true(doc.overdue);
  t.deepEqual(storedDeadlines(doc)!.fired, ['accept.due']);
  t.is(storedDeadlines(doc)!.escalation, 'due');

  // A retry later does nothing either.
  t.is(await fireTimer(job(tk.id, 1, 'accept', 'due')), 'already_fired');
  t.is((await stored(tk.id)).history.filter((h) => h.type === 'time_limit_due').length, 1);

  // Notices: the unit's handlers and (from "due" on) its managers; once each.
  const notices = await Notice.find({ ticketId: doc._id }).lean();
  const handler = app.fx.users['h-a1']!.id;
  t.deepEqual(notices.map((n) => n.userId), [handler]);
  t.is(notices[0]!.level, 'due');
  t.regex(notices[0]!.text, /签收时限已于 .* 到期/);
  t.false(notices[0]!.read);

  const mgr = await app.login('mgr');
  const overdue = await app.api('GET', '/api/v1/tickets?overdue=true&escalation=due', { token: mgr });
  t.is(overdue.status, 200);
  t.true(overdue.body.items.some((i: { id: string }) => i.id === tk.id));
  const calm = await app.api('GET', '/api/v1/tickets?escalation=none', { token: mgr });
  t.false(calm.body.items.some((i: { id: string }) => i.id === tk.id));
  const bad = await app.api('GET', '/api/v1/tickets?escalation=red', { token: mgr });
  t.is(bad.status, 422);
  t.is(bad.body.error.details[0].field, 'escalation');

  // The recipient reads it in the console.
  const h = await app.login('h-a1');
  const mine = await app.api('GET', '/api/v1/notices?unread=true', { token: h });
  t.true(mine.body.items.some((n: { ticketId: string }) => n.ticketId === tk.id));
  const id = mine.body.items.find((n: { ticketId: string }) => n.ticketId === tk.id).id;
  t.is((await app.api('POST', `/api/v1/notices/${encodeURIComponent(id)}/read`, { token: h })).status, 204);
  t.is((await app.api('POST', `/api/v1/notices/${encodeURIComponent(id)}/read`, { token: await app.login('h-b') })).status, 404);
});

test('a timer of an outdated deadline version, a met milestone or a ticket that left the unit does nothing', async (t) => {
  const tk = await dispatchedTicket();
  t.is(await fireTimer(job(tk.id, 0, 'resolve', 'warning')), 'outdated');
  t.is(await fireTimer(job(tk.id, 2, 'resolve', 'warning')), 'outdated');
  // The unit accepts (the workflow's change): the accept timers are met.
  const doc = await stored(tk.id);
  await Ticket.collection.updateOne({ _id: doc._id }, { $set: { status: 'accepted' } });
  t.is(await fireTimer(job(tk.id, 1, 'accept', 'warning')), 'met');
  await Ticket.collection.updateOne({ _id: doc._id }, { $set: { status: 'closed' } });
  t.is(await fireTimer(job(tk.id, 1, 'resolve', 'due')), 'not_running');
  t.is((await stored(tk.id)).history.filter((h) => h.type.startsWith('time_limit_')).length, 0);
});

test('a writer that crashed after claiming the next version does not make a level fire twice or get lost', async (t) => {
  const tk = await dispatchedTicket('critical');
  const doc = await stored(tk.id);
  // A change claimed by a process that died before writing the ticket (3 s ago: rolled forward by the next writer).
  await TicketChange.collection.insertOne(
    claimRecord({
      _id: `${tk.id}:${doc.version + 1}`,
      ticketId: doc._id,
      version: doc.version + 1,
      set: { title: '崩溃前的修改' },
      events: [{ seq: doc.history.length + 1, at: new Date(), type: 'noted', actor: { id: null, name: 'x', role: 'system' } }],
      at: new Date(Date.now() - 3000),
    }) as never,
  );
  const results = await Promise.all([fireTimer(job(tk.id, 1, 'contact', 'warning')), fireTimer(job(tk.id, 1, 'contact', 'warning'))]);
  t.deepEqual(results.sort(), ['already_fired', 'fired']);
  const after = await stored(tk.id);
  t.is(after.title, '崩溃前的修改');
  t.is(after.history.filter((h) => h.type === 'time_limit_warning').length, 1);
  t.is(after.version, doc.version + 2);
});

test('every level of a ladder climbs once; escalation and notices follow the level', async (t) => {
  const tk = await dispatchedTicket();
  for (const level of ['warning', 'due', 'reminderNotice', 'supervision'] as const) {
    t.is(await fireTimer(job(tk.id, 1, 'resolve', level)), 'fired');
  }
  const doc = await stored(tk.id);
  t.is(storedDeadlines(doc)!.escalation, 'supervision');
  t.deepEqual(
    doc.history.filter((h) => h.type.startsWith('time_limit_')).map((h) => h.type),
    ['time_limit_warning', 'time_limit_due', 'time_limit_reminderNotice', 'time_limit_supervision'],
  );
  const notices = await Notice.find({ ticketId: new Types.ObjectId(tk.id), level: 'supervision' }).lean();
  const ids = new Set(notices.map((n) => n.userId));
  t.true(ids.has(app.fx.users['h-a1']!.id), 'the unit handler');
  t.true(ids.has(app.fx.users['mgr-a']!.id), 'the parent district manager');
  t.true(ids.has(app.fx.users['mgr']!.id), 'the center manager');
  t.false(ids.has(app.fx.users['h-b']!.id));
  const list = await app.api('GET', '/api/v1/tickets?escalation=supervision,reminderNotice', { token: await app.login('mgr') });
  t.true(list.body.items.some((i: { id: string }) => i.id === tk.id));
});

test.serial('a timer that ran is dropped from the schedule by the next sweep; a met milestone and a closed ticket settle it at once', async (t) => {
  startWorker();
  const tk = await dispatchedTicket('critical');
  const queue = timeLimitRuntime()!.timersQueue!;
  t.is(await fireTimer(job(tk.id, 1, 'accept', 'warning')), 'fired');
  t.is((await scheduleEntry(tk.id, 1))!.keys.length, 8, 'the firing path writes nothing but the ticket');
  // Its job runs (here at once), finds the level recorded and finishes; the sweep sees that and drops the key.
  t.is((await runJob(job(tk.id, 1, 'accept', 'warning'))).state, 'completed');
  const swept = await reconcileTimers(queue);
  t.true(swept.finished >= 1);
  let entry = await scheduleEntry(tk.id, 1);
  t.is(entry!.keys.length, 7);
  t.false(entry!.keys.includes('accept.warning'));
  t.falsy((await reconcileTimers(queue)).added, 'and is not armed again');

  await act(tk.id, 'accept', 'h-a1');
  t.is(await fireTimer(job(tk.id, 1, 'accept', 'due')), 'met');
  entry = await scheduleEntry(tk.id, 1);
  t.deepEqual(entry!.keys.filter((k) => k.startsWith('accept.')), [], 'the met milestone is gone');
  t.is(entry!.keys.length, 6);

  await Ticket.collection.updateOne({ _id: new Types.ObjectId(tk.id) }, { $set: { status: 'closed' } });
  t.is(await fireTimer(job(tk.id, 1, 'resolve', 'due')), 'not_running');
  t.is(await scheduleEntry(tk.id, 1), null, 'a closed ticket has nothing left to time under this version');
});

test.serial('the processor sends a job that came early back to the ticket\'s own instant', async (t) => {
  startWorker();
  const tk = await dispatchedTicket('critical');
  const d = storedDeadlines(await stored(tk.id))!;
  const timer = d.timers.find((x) => x.key === 'contact.due')!;
  // A job armed from a stale entry: due now, while the ticket says 1 h after dispatch.
  const res = await runJob({ ...job(tk.id, 1, 'contact', 'due'), fireAt: new Date().toISOString() });
  t.is(res.state, 'delayed');
  t.is(res.at, timer.fireAt.getTime());
  t.is((await stored(tk.id)).history.filter((h) => h.type.startsWith('time_limit_')).length, 0, 'nothing fired early');
});

test.serial('while a return is asked the accept timer waits and looks again later; the schedule keeps it', async (t) => {
  startWorker();
  const tk = await dispatchedTicket('critical');
  await act(tk.id, 'request_return', 'h-a1', { reason: '不属于本单位职责' });
  const before = Date.now();
  const res = await runJob(job(tk.id, 1, 'accept', 'due'));
  t.is(res.state, 'delayed');
  t.true(res.at! >= before + 4 * 60_000 && res.at! <= Date.now() + 5 * 60_000 + 1000, `looks again in 5 min (${res.at! - before} ms)`);
  t.true((await scheduleEntry(tk.id, 1))!.keys.includes('accept.due'));
  t.is((await stored(tk.id)).history.filter((h) => h.type.startsWith('time_limit_')).length, 0);
  // The resolve clock still runs while the return is asked.
  t.is(await fireTimer(job(tk.id, 1, 'resolve', 'warning')), 'fired');
});

test.serial('deadlines whose change never landed: their timers wait for the version, then the orphan entry goes', async (t) => {
  const tk = await dispatchedTicket();
  const doc = await stored(tk.id);
  // The workflow computes the new clock (writing its schedule ahead), then its ticket change loses (never applied).
  await restartClock(doc, 'st-a1', new Date());
  t.truthy(await scheduleEntry(tk.id, 2), 'written ahead of the change');
  t.is(await fireTimer(job(tk.id, 2, 'resolve', 'warning')), 'version_pending', 'the change may still be under way');
  t.truthy(await scheduleEntry(tk.id, 2));
  await TimerSchedule.collection.updateOne({ _id: `${tk.id}:2` } as never, { $set: { writtenAt: new Date(Date.now() - 11 * 60_000) } });
  t.is(await fireTimer(job(tk.id, 2, 'resolve', 'warning')), 'outdated');
  t.is(await scheduleEntry(tk.id, 2), null, 'the orphan is dropped');
  t.truthy(await scheduleEntry(tk.id, 1), 'the version in force keeps its schedule');
  t.is((await stored(tk.id)).version, doc.version);
});

test.serial('a crash right after the change that set new deadlines loses no timer: the entry written ahead is swept into Redis', async (t) => {
  const tk = await dispatchedTicket('critical');
  const doc = await stored(tk.id);
  // 改派-like restart of the clock, applied as the workflow does, and the process dies before scheduleTimersFor.
  const clock = await restartClock(doc, 'st-a1', new Date());
  await applyTicketChange(doc._id, { version: doc.version, historyLength: doc.history.length }, clock);
  const d = storedDeadlines(await stored(tk.id))!;
  t.is(d.version, 2);
  const entry = await scheduleEntry(tk.id, 2);
  t.deepEqual([...entry!.keys].sort(), d.timers.map((x) => x.key).sort());

  const queue = timeLimitRuntime()!.timersQueue!;
  await reconcileTimers(queue);
  const until = Date.now() + TIMER_HORIZON_MS;
  for (const x of d.timers) {
    const j = await queue.getJob(timerJobId(tk.id, 2, x.milestone, x.level));
    t.is(!!j, x.fireAt.getTime() <= until, x.key);
  }
});
