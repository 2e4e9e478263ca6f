import test from 'ava';
import { SCAN_PAUSE_FACTOR, SharedSnapshot } from '../../server/services/shared-snapshot.ts';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { fireTimer } from '../../server/services/deadlines.ts';
import { BoardService, computeRates } from '../../server/services/board.ts';
import { MetricDay, Ticket } from '../../server/data/models/index.ts';
import { DEFAULT_TIME_LIMIT_RULES } from '../../server/domain/time-limits.ts';
import { shanghaiDay } from '../../server/domain/metrics.ts';
import type { TimerJob } from '../../server/queue/queues.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after.always(async () => app?.stop());

interface T {
  id: string;
  number: string;
  version: number;
  status: string;
  [k: string]: unknown;
}

async function newTicket(content: string, urgency = 'normal'): Promise<T> {
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { name: '周先生', phone: '13512340000' }, type: 'complaint', urgency, content },
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.ticket;
}

async function act(user: string, t: T, action: string, body: Record<string, unknown> = {}) {
  return app.api('POST', `/api/v1/tickets/${t.id}/actions/${action}`, { token: await app.login(user), body: { version: t.version, ...body } });
}
async function ok(user: string, t: T, action: string, body: Record<string, unknown> = {}): Promise<T> {
  const res = await act(user, t, action, body);
  if (res.status !== 200) throw new Error(`${action} by ${user}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ticket;
}
async function reread(t: T): Promise<T> {
  return (await app.api('GET', `/api/v1/tickets/${t.id}`, { token: await app.login('mgr') })).body.ticket;
}
const job = (ticketId: string, version: number, milestone: TimerJob['milestone'], level: TimerJob['level']): TimerJob => ({ ticketId, version, milestone, level, fireAt: new Date().toISOString() });
/** The board as of now (every change so far included). */
async function board(user = 'mgr') {
  const res = await app.api('GET', `/api/v1/board?after=${encodeURIComponent(new Date().toISOString())}&lists=overdue,extensions,arbitration`, { token: await app.login(user) });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body;
}

test.serial('only managers (and admins) open the board and the rates; bad input is named', async (t) => {
  for (const user of ['op', 'disp', 'h-a', 'h-a1']) {
    t.is((await app.api('GET', '/api/v1/board', { token: await app.login(user) })).status, 403, user);
    t.is((await app.api('GET', '/api/v1/board/rates', { token: await app.login(user) })).status, 403, user);
  }
  t.is((await app.api('GET', '/api/v1/board')).status, 401);
  t.is((await app.api('GET', '/api/v1/board', { token: await app.login('mgr') })).status, 200);
  t.is((await app.api('GET', '/api/v1/board', { token: await app.login('admin') })).status, 200);
  const bad = await app.api('GET', '/api/v1/board?after=yesterday', { token: await app.login('mgr') });
  t.is(bad.status, 422);
  t.is(bad.body.error.details[0].field, 'after');
  t.is((await app.api('GET', '/api/v1/board?unit=x', { token: await app.login('mgr') })).status, 422, 'unknown parameters are refused');
  const lists = await app.api('GET', '/api/v1/board?lists=overdue,everything', { token: await app.login('mgr') });
  t.is(lists.status, 422);
  t.is(lists.body.error.details[0].field, 'lists');
  const plain = await app.api('GET', '/api/v1/board', { token: await app.login('mgr') });
  t.false('overdue' in plain.body, 'lists only when asked for');
});

test.serial('the board follows the tickets: by status and unit, due soon, overdue by ladder level; a unit manager sees its own units only', async (t) => {
  const before = await board();
  let a = await newTicket('湖滨街道菜场门口占道经营');
  const asOfNow = await app.api('GET', '/api/v1/board?after=now', { token: await app.login('mgr') });
  t.is(asOfNow.body.summary.byStatus.new - before.summary.byStatus.new, 1, '`after=now`: as of the server’s clock');
  let b = await newTicket('西城区某小区电梯停运三天');
  const c0 = await newTicket('湖滨街道夜市油烟扰民');
  let after = await board();
  t.is(after.summary.byStatus.new - before.summary.byStatus.new, 3, 'a new ticket shows at once (the `after` instant)');

  a = await ok('disp', a, 'dispatch', { leadUnitId: 'st-a1' });
  b = await ok('disp', b, 'dispatch', { leadUnitId: 'dist-b' });
  const c = await ok('disp', c0, 'dispatch', { leadUnitId: 'st-a1' });
  await ok('h-a1', c, 'accept');
  // Ticket a misses its accept deadline, b climbs the ladder to supervision (the timers' own code, fired now).
  t.is(await fireTimer(job(a.id, 1, 'accept', 'due')), 'fired');
  for (const level of ['due', 'reminderNotice', 'supervision'] as const) t.is(await fireTimer(job(b.id, 1, 'resolve', level)), 'fired');

  after = await board();
  const delta = (k: string) => after.summary.byStatus[k] - before.summary.byStatus[k];
  t.is(delta('new'), 0);
  t.is(delta('dispatched'), 2);
  t.is(delta('accepted'), 1);
  t.is(after.summary.overdue - before.summary.overdue, 2);
  t.is(after.summary.levels.due - before.summary.levels.due, 1);
  t.is(after.summary.levels.supervision - before.summary.levels.supervision, 1);
  const st = after.summary.units.find((u: { unitId: string }) => u.unitId === 'st-a1');
  t.like(st, { unitName: '东湖区湖滨街道办事处', byStatus: { dispatched: 1, accepted: 1 } });
  t.is(after.overdue.items[0].number, b.number, 'the most severe level first');
  t.like(after.overdue.items.find((r: { id: string }) => r.id === a.id), { level: 'due', milestone: 'accept', unitName: '东湖区湖滨街道办事处', light: 'overdue' });
  t.false('scopeUnitIds' in after.overdue.items[0], 'internal scope fields stay on the server');

  // 东湖区's manager: its street's tickets, not 西城区's; nothing waiting at the center.
  const mine = await board('mgr-a');
  t.deepEqual(mine.summary.units.map((u: { unitId: string }) => u.unitId), ['st-a1']);
  t.is(mine.summary.byStatus.new, 0);
  t.true(mine.overdue.items.some((r: { id: string }) => r.id === a.id));
  t.false(mine.overdue.items.some((r: { id: string }) => r.id === b.id));
});

test.serial('the board is one scan shared by every viewer and every server node, however many ask', async (t) => {
  const redis = app.server.deps.redis;
  const prefix = `${app.env.REDIS_PREFIX}:shared-test`;
  let scans = 0;
  const nodes = [1, 2].map(() => new BoardService({ redis, prefix: app.env.REDIS_PREFIX!, snapshotPrefix: prefix, boardIntervalMs: 500, onComputed: (what) => what === 'board' && scans++ }));
  const viewer = { id: 'x', name: '赵主任', role: 'manager' as const, unitId: 'center', atCenter: true };
  const at = Date.now();
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => nodes[i % 2]!.boardFor(viewer, at, ['overdue'])));
  t.is(scans, 1, '200 viewers on 2 nodes: one scan');
  t.is(new Set(answers.map((x) => x.computedAt)).size, 1);

  // A change after that scan: the next question that names it gets a new scan, once.
  const tk = await newTicket('共享看板测试工单');
  const event = Date.now();
  const again = await Promise.all(Array.from({ length: 100 }, (_, i) => nodes[i % 2]!.boardFor(viewer, event)));
  t.is(scans, 2);
  t.true(Date.parse(again[0]!.computedAt) >= event);
  t.true((again[0]!.summary.byStatus.new ?? 0) >= 1);
  t.truthy(tk);

  // Over HTTP the scans are counted in /metrics.
  const metrics = await app.api('GET', '/metrics');
  t.regex(metrics.body as string, /board_computation_seconds_count\{what="board"\} \d+/);
});

test.serial('after its first scan a server re-reads only the tickets the change log names; without the log it scans again', async (t) => {
  const redis = app.server.deps.redis!;
  const service = new BoardService({ redis, prefix: app.env.REDIS_PREFIX!, snapshotPrefix: `${app.env.REDIS_PREFIX}:log-test`, boardIntervalMs: 10 });
  const viewer = { id: 'x', name: '赵主任', role: 'manager' as const, unitId: 'center', atCenter: true };
  const summary = async () => (await service.boardFor(viewer, Date.now())).summary;
  // The log has been kept for a minute (in a running center it always has); here it may have begun a moment ago.
  await newTicket('看板增量测试：日志开始');
  await redis.set(`${app.env.REDIS_PREFIX}:tickets:changed:from`, String(Date.now() - 60_000));
  const before = await summary();
  const count = (s: typeof before, status: string) => s.byStatus[status] ?? 0;
  t.is(service.openTickets.fullScans, 1);

  // Changes through the service are logged: the next board counts them without a scan.
  const tk = await newTicket('看板增量测试：路灯不亮');
  let now = await summary();
  t.is(now.open, before.open + 1);
  t.is(count(now, 'new'), count(before, 'new') + 1);
  await ok('disp', tk, 'dispatch', { leadUnitId: 'st-a1' });
  now = await summary();
  t.is(count(now, 'new'), count(before, 'new'));
  t.is(count(now, 'dispatched'), count(before, 'dispatched') + 1);
  t.is(service.openTickets.fullScans, 1, 'no further scan: only the logged tickets were read');

  // A change written behind the log's back is not seen…
  const stray = await newTicket('看板增量测试：井盖缺失');
  await summary();
  // (its logged creation moved a minute back, out of the margin every read looks back)
  await redis.zadd(`${app.env.REDIS_PREFIX}:tickets:changed`, Date.now() - 60_000, stray.id);
  await Ticket.collection.updateOne({ number: stray.number }, { $set: { status: 'closed' } });
  t.is((await summary()).open, before.open + 2, 'not re-read');
  // …until the log cannot vouch for itself (Redis lost it): the next board scans and is right again.
  await redis.del(`${app.env.REDIS_PREFIX}:tickets:changed`, `${app.env.REDIS_PREFIX}:tickets:changed:from`);
  t.is((await summary()).open, before.open + 1);
  t.is(service.openTickets.fullScans, 2);
});

test('a slow scan waits three times its duration before the next: snapshots get staler, the store is not starved', async (t) => {
  const scans: { startedAt: number; finishedAt: number }[] = [];
  const snapshot = new SharedSnapshot({
    key: 'unused',
    redis: null,
    minIntervalMs: 50,
    maxAgeMs: 100,
    compute: async (at) => {
      await new Promise((r) => setTimeout(r, 300));
      scans.push({ startedAt: at.getTime(), finishedAt: Date.now() });
      return scans.length;
    },
  });
  await snapshot.get(Date.now());
  t.is((await snapshot.get(Date.now())).value, 2, 'a caller that needs a newer snapshot waits for it');
  const [first, second] = scans;
  t.true(second!.startedAt - first!.finishedAt >= SCAN_PAUSE_FACTOR * (first!.finishedAt - first!.startedAt) - 5, JSON.stringify(scans));
});

test.serial('督办: a manager supervises an overdue ticket through the actions endpoint; the lead unit is told; refused for others, for a ticket on time, without a note', async (t) => {
  let tk = await newTicket('湖滨街道某工地夜间施工噪音');
  tk = await ok('disp', tk, 'dispatch', { leadUnitId: 'st-a1' });
  t.is((await act('mgr', tk, 'supervise', { note: '请尽快处理' })).status, 409, 'not overdue yet');
  t.is((await act('mgr', tk, 'supervise', { note: '请尽快处理' })).body.error.code, 'not_overdue');
  t.is(await fireTimer(job(tk.id, 1, 'accept', 'due')), 'fired');
  tk = await reread(tk);

  for (const user of ['op', 'disp', 'admin', 'h-a1', 'h-a']) {
    t.is((await act(user, tk, 'supervise', { note: '请尽快处理' })).status, 403, user);
  }
  t.is((await act('h-b', tk, 'supervise', { note: 'x' })).status, 403, 'outside the unit scope');
  const missing = await act('mgr', tk, 'supervise', {});
  t.is(missing.status, 422);
  t.is(missing.body.error.details[0].field, 'note');

  tk = await ok('mgr', tk, 'supervise', { note: '已超签收时限，请今日内签收并联系市民' });
  const last = (tk.history as { type: string; note: string; actor: { name: string } }[]).at(-1)!;
  t.like(last, { type: 'supervised', note: '已超签收时限，请今日内签收并联系市民', actor: { name: '赵主任' } });
  t.is(tk.status, 'dispatched', 'the unit keeps the ticket');

  const notices = await app.api('GET', '/api/v1/notices?unread=true', { token: await app.login('h-a1') });
  const notice = notices.body.items.find((n: { ticketId: string; kind: string }) => n.ticketId === tk.id && n.kind === 'supervised');
  t.truthy(notice, 'the lead unit’s handler is told');
  t.regex(notice.text, /赵主任督办工单.*请今日内签收/);
  const others = await app.api('GET', '/api/v1/notices', { token: await app.login('h-b') });
  t.false(others.body.items.some((n: { ticketId: string }) => n.ticketId === tk.id));

  // 东湖区's manager may supervise its street's ticket; once replied, nobody can.
  tk = await ok('mgr-a', tk, 'supervise', { note: '区督办：请湖滨街道今日签收' });
  tk = await ok('h-a1', tk, 'accept');
  tk = await ok('h-a1', tk, 'reply', { result: 'resolved', text: '已责令工地夜间停工' });
  t.is((await act('mgr', tk, 'supervise', { note: 'x' })).status, 409, 'a replied ticket is with the center, not the unit');
});

test.serial('extension requests and arbitration appear on the board for the manager to decide', async (t) => {
  let tk = await newTicket('湖滨街道老旧小区加装电梯协调');
  tk = await ok('disp', tk, 'dispatch', { leadUnitId: 'st-a1' });
  tk = await ok('h-a1', tk, 'accept');
  const req = await app.api('POST', `/api/v1/tickets/${tk.id}/extension`, { token: await app.login('h-a1'), body: { version: tk.version, workingDays: 3, reason: '需征求全体业主意见' } });
  t.is(req.status, 201);
  let b = await board();
  const row = b.extensions.items.find((r: { id: string }) => r.id === tk.id);
  t.like(row, { extensionRequest: { workingDays: 3, reason: '需征求全体业主意见', by: '湖滨街道承办人' }, version: req.body.ticket.version });
  const decided = await app.api('POST', `/api/v1/tickets/${tk.id}/extension/decision`, { token: await app.login('mgr'), body: { version: row.version, approve: true } });
  t.is(decided.status, 200);
  b = await board();
  t.false(b.extensions.items.some((r: { id: string }) => r.id === tk.id));

  // Two approved returns: 派单异议 waits for a manager.
  let x = await newTicket('一件谁都说不归自己管的事');
  for (const unit of ['dist-a', 'dist-b']) {
    x = await ok('disp', x, x.status === 'new' ? 'dispatch' : 'redispatch', { leadUnitId: unit, ...(x.status === 'new' ? {} : { reason: '改派' }) });
    x = await ok(unit === 'dist-a' ? 'h-a' : 'h-b', x, 'request_return', { reason: '不属于本单位职责' });
    x = await ok('disp', x, 'decide_return', { approve: true, reason: '同意退回' });
  }
  t.is(x.status, 'arbitration');
  b = await board();
  t.like(b.arbitration.items.find((r: { id: string }) => r.id === x.id), { returnCount: 2, status: 'arbitration' });
  x = await ok('mgr', x, 'arbitrate', { leadUnitId: 'st-a1', reason: '属湖滨街道属地管理职责' });
  b = await board();
  t.false(b.arbitration.items.some((r: { id: string }) => r.id === x.id));
});

test.serial('on-time rates by unit from the workflow events; a finished day is stored once, insert-only', async (t) => {
  // 特急 tickets get a 2-second accept limit, so one can really be accepted late.
  const admin = await app.login('admin');
  const current = await app.api('GET', '/api/v1/time-limits/policies', { token: admin });
  const rules = DEFAULT_TIME_LIMIT_RULES.map((r) =>
    r.urgency === 'critical' && r.type === '*' ? { ...r, committed: { ...r.committed, accept: { unit: 'clockHours' as const, amount: 2 / 3600 } } } : r,
  );
  const put = await app.api('PUT', '/api/v1/time-limits/policies', { token: admin, body: { version: current.body.policy.version, rules, settings: current.body.policy.settings } });
  t.is(put.status, 200, JSON.stringify(put.body));

  let fast = await newTicket('住建局：工地塔吊摇晃危险', 'critical');
  let slow = await newTicket('住建局：基坑边围挡倒塌', 'critical');
  fast = await ok('disp', fast, 'dispatch', { leadUnitId: 'dept-zjj' });
  slow = await ok('disp', slow, 'dispatch', { leadUnitId: 'dept-zjj' });
  fast = await ok('h-zjj', fast, 'accept');
  await new Promise((r) => setTimeout(r, 2500));
  slow = await ok('h-zjj', slow, 'accept');
  await ok('h-zjj', fast, 'reply', { result: 'resolved', text: '已责令停用塔吊并检测' });

  const rates = await app.api('GET', '/api/v1/board/rates', { token: await app.login('mgr') });
  t.is(rates.status, 200);
  t.is(rates.body.today, shanghaiDay(Date.now()));
  const zjj = rates.body.periods.today.units.find((u: { unitId: string }) => u.unitId === 'dept-zjj');
  t.like(zjj, { unitName: '市住房和城乡建设局', acceptDue: 2, acceptOnTime: 1, acceptRate: 50, resolveDue: 1, resolveOnTime: 1, resolveRate: 100 });
  t.like(rates.body.periods.week.units.find((u: { unitId: string }) => u.unitId === 'dept-zjj'), { acceptDue: 2, acceptOnTime: 1 }, 'today is part of the week');
  t.true(rates.body.periods.today.total.acceptDue >= 2);
  const mine = await app.api('GET', '/api/v1/board/rates', { token: await app.login('mgr-a') });
  t.false(mine.body.periods.today.units.some((u: { unitId: string }) => u.unitId === 'dept-zjj'), 'a district manager sees its own units');

  // Two days on, today is a finished day: two nodes store it at once, one document wins, both agree.
  const later = new Date(Date.now() + 2 * 24 * 3600_000);
  const today = shanghaiDay(Date.now());
  const [r1, r2] = await Promise.all([computeRates(later), computeRates(later)]);
  const stored = await MetricDay.findById(today).lean();
  t.truthy(stored);
  // As of two days on, both accept deadlines have settled (the resolve ones may fall on tomorrow).
  t.like(stored!.units.find((u) => u.unitId === 'dept-zjj'), { acceptDue: 2, acceptOnTime: 1 });
  t.deepEqual(r1.periods.month, r2.periods.month);
  // Read back by _id afterwards: a later change to the tickets does not rewrite a finished day.
  await ok('h-zjj', slow, 'reply', { result: 'resolved', text: '已恢复围挡' });
  await computeRates(later);
  t.deepEqual((await MetricDay.findById(today).lean())!.units, stored!.units);
});
