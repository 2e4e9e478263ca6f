import test from 'ava';
import { Types } from 'mongoose';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Notice, Ticket, TicketChange, type TicketDoc } from '../../server/data/models/index.ts';
import { fireTimer, timeLimitRuntime } from '../../server/services/deadlines.ts';
import { storedDeadlines, timerJobId } from '../../server/domain/deadlines.ts';
import type { TimerJob } from '../../server/queue/queues.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after.always(async () => app?.stop());

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
const job = (ticketId: string, version: number, milestone: TimerJob['milestone'], level: TimerJob['level']): TimerJob => ({
  ticketId,
  version,
  milestone,
  level,
  fireAt: new Date().toISOString(),
});

test('dispatch stores versioned deadlines (committed and statutory) in the same change and schedules one job per milestone and level', async (t) => {
  const tk = await dispatchedTicket();
  t.is(tk.version, 2, 'created (1) then one dispatch change (2)');
  const doc = await stored(tk.id);
  const d = storedDeadlines(doc)!;
  t.is(d.version, 1);
  t.is(d.unitId, 'st-a1');
  t.truthy(d.resolve.dueAt && d.resolve.statutoryDueAt);
  t.deepEqual(doc.history.slice(-2).map((h) => h.type), ['dispatched', 'deadlines_set']);
  const changes = await TicketChange.find({ ticketId: doc._id }).lean();
  const dispatchChange = changes.find((c) => (c.events as { type: string }[]).some((e) => e.type === 'dispatched'))!;
  t.truthy((dispatchChange.set as { deadlines?: unknown }).deadlines, 'deadlines written by the dispatch change itself');

  const queue = timeLimitRuntime()!.timersQueue!;
  const jobs = await Promise.all(d.timers.map((x) => queue.getJob(timerJobId(tk.id, 1, x.milestone, x.level))));
  t.is(jobs.filter(Boolean).length, 8);
  for (const [i, j] of jobs.entries()) {
    const delay = j!.opts.delay ?? 0;
    t.true(Math.abs(j!.timestamp + delay - d.timers[i]!.fireAt.getTime()) < 5000, d.timers[i]!.key);
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
  await TicketChange.collection.insertOne({
    _id: `${tk.id}:${doc.version + 1}`,
    ticketId: doc._id,
    version: doc.version + 1,
    set: { title: '崩溃前的修改' },
    events: [{ seq: doc.history.length + 1, at: new Date(), type: 'noted', actor: { id: null, name: 'x', role: 'system' } }],
    at: new Date(Date.now() - 3000),
  } as never);
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
