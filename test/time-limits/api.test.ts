import test from 'ava';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Notice, Ticket, TimeLimitAudit, type TicketDoc } from '../../server/data/models/index.ts';
import { storedDeadlines, timerJobId } from '../../server/domain/deadlines.ts';
import { DEFAULT_TIME_LIMIT_RULES } from '../../server/domain/time-limits.ts';
import { timeLimitRuntime } from '../../server/services/deadlines.ts';
import { TimerSchedule } from '../../server/data/models/timer-schedule.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after.always(async () => app?.stop());

async function dispatched(unit = 'st-a1', type = 'complaint') {
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { phone: '13922223333' }, type, title: '路灯不亮', content: '湖滨路路灯一直不亮，晚上很危险。' },
  });
  const tk = res.body.ticket;
  const d = await app.api('POST', `/api/v1/tickets/${tk.id}/actions/dispatch`, { token: await app.login('disp'), body: { version: tk.version, leadUnitId: unit } });
  if (d.status !== 200) throw new Error(JSON.stringify(d.body));
  return d.body.ticket as { id: string; version: number; number: string };
}

const ask = async (user: string, tk: { id: string; version: number }, body: Record<string, unknown> = {}) =>
  app.api('POST', `/api/v1/tickets/${tk.id}/extension`, { token: await app.login(user), body: { version: tk.version, workingDays: 3, reason: '需协调多个部门现场勘查', ...body } });
const decide = async (user: string, tk: { id: string; version: number }, approve: boolean, note?: string) =>
  app.api('POST', `/api/v1/tickets/${tk.id}/extension/decision`, { token: await app.login(user), body: { version: tk.version, approve, ...(note ? { note } : {}) } });

test('extension: only a handler of the lead unit asks; only a center manager decides', async (t) => {
  const tk = await dispatched();
  t.is((await ask('h-b', tk)).status, 403, 'a handler of another unit');
  t.is((await ask('h-a', tk)).status, 403, 'a handler of the parent unit is not the lead unit');
  t.is((await ask('op', tk)).status, 403, 'an operator');
  t.is((await ask('mgr', tk)).status, 403, 'a manager asks nothing');

  const bad = await ask('h-a1', tk, { workingDays: 1.5, reason: '' });
  t.is(bad.status, 422);
  t.deepEqual(bad.body.error.details.map((d: { field: string }) => d.field).sort(), ['reason', 'workingDays']);
  const tooLong = await ask('h-a1', tk, { workingDays: 11 });
  t.is(tooLong.status, 422);
  t.is(tooLong.body.error.details[0].field, 'workingDays');

  const asked = await ask('h-a1', tk);
  t.is(asked.status, 201, JSON.stringify(asked.body));
  const v = asked.body.ticket;
  t.is(v.history.at(-1).type, 'extension_requested');
  t.is((await ask('h-a1', v)).status, 409, 'one request at a time');
  const approverNotices = await Notice.find({ ticketNumber: tk.number, kind: 'extension_requested' }).lean();
  t.deepEqual(approverNotices.map((n) => n.userId), [app.fx.users['mgr']!.id]);

  t.is((await decide('op', v, true)).status, 403, 'an operator approving');
  t.is((await decide('disp', v, true)).status, 403, 'a dispatcher approving');
  t.is((await decide('h-a1', v, true)).status, 403, 'the unit approving its own request');
  t.is((await decide('mgr-a', v, true)).status, 403, 'a district manager is not the center');
  t.is((await decide('mgr', { ...v, version: v.version - 1 }, true)).status, 409, 'a stale version');
});

test('an approved extension moves the deadline (new version, timers rescheduled) and tells the citizen', async (t) => {
  const tk = await dispatched();
  const before = storedDeadlines((await Ticket.findById(tk.id).lean<TicketDoc>())!)!;
  const asked = (await ask('h-a1', tk, { workingDays: 4 })).body.ticket;
  const res = await decide('mgr', asked, true, '情况属实');
  t.is(res.status, 200, JSON.stringify(res.body));
  const doc = (await Ticket.findById(tk.id).lean<TicketDoc>())!;
  const after = storedDeadlines(doc)!;
  t.is(after.version, 2);
  t.is(after.resolve.extendedWorkingDays, 4);
  t.true(after.resolve.dueAt.getTime() > before.resolve.dueAt.getTime());
  t.true(after.resolve.statutoryDueAt.getTime() > before.resolve.statutoryDueAt.getTime());
  t.is(after.extensionRequest, null);
  const event = doc.history.at(-1)!;
  t.is(event.type, 'extension_approved');
  t.true(event.public);
  t.regex(event.note!, /同意延期 4 个工作日，办结期限延至/);

  // The timer schedule (Redis holds only its next hours): the new version's has the moved levels, the old version's is gone.
  const queue = timeLimitRuntime()!.timersQueue!;
  const entry = await TimerSchedule.findById(`${tk.id}:2`).lean();
  const due = after.timers.find((x) => x.key === 'resolve.due')!.fireAt;
  t.is(entry?.at[entry.keys.indexOf('resolve.due')]?.getTime(), due.getTime(), 'the new version is scheduled');
  t.is(await TimerSchedule.findById(`${tk.id}:1`).lean(), null, 'the old version is dropped');
  t.falsy(await queue.getJob(timerJobId(tk.id, 1, 'resolve', 'due')), 'the old version is dropped');

  // The citizen's progress page shows the new deadline.
  const pub = await app.api('GET', `/api/v1/public/tickets/${tk.number}?phoneLast4=3333`);
  t.is(pub.status, 200);
  t.true(JSON.stringify(pub.body).includes('同意延期 4 个工作日'));

  // In all at most 10 working days.
  const again = await ask('h-a1', { id: tk.id, version: doc.version }, { workingDays: 7 });
  t.is(again.status, 422);
  const notices = await Notice.find({ ticketNumber: tk.number, kind: 'extension_decided' }).lean();
  t.true(notices.some((n) => n.userId === app.fx.users['h-a1']!.id));
});

test('a refused extension leaves the deadline and records why', async (t) => {
  const tk = await dispatched();
  const asked = (await ask('h-a1', tk)).body.ticket;
  const res = await decide('mgr', asked, false, '理由不充分');
  t.is(res.status, 200);
  const doc = (await Ticket.findById(tk.id).lean<TicketDoc>())!;
  t.is(storedDeadlines(doc)!.version, 1);
  t.is(doc.history.at(-1)!.type, 'extension_refused');
  t.is(doc.history.at(-1)!.note, '理由不充分');
  t.is((await decide('mgr', { id: tk.id, version: doc.version }, true)).status, 409, 'nothing pending any more');
});

test('policies: admin only, validated by field, versioned and recorded, applied to newly dispatched tickets only', async (t) => {
  const admin = await app.login('admin');
  t.is((await app.api('GET', '/api/v1/time-limits/policies', { token: await app.login('mgr') })).status, 403);
  t.is((await app.api('GET', '/api/v1/time-limits/policies', { token: await app.login('op') })).status, 403);
  const current = await app.api('GET', '/api/v1/time-limits/policies', { token: admin });
  t.is(current.status, 200);
  t.is(current.body.policy.version, 0);

  const old = await dispatched('dist-b', 'help');
  const oldDue = storedDeadlines((await Ticket.findById(old.id).lean<TicketDoc>())!)!.resolve.dueAt;

  const rules = DEFAULT_TIME_LIMIT_RULES.map((r) =>
    r.urgency === 'normal' && r.type === '*' ? { ...r, committed: { ...r.committed, resolve: { unit: 'workingDays' as const, amount: 2 } } } : r,
  );
  const settings = current.body.policy.settings;
  const invalid = await app.api('PUT', '/api/v1/time-limits/policies', {
    token: admin,
    body: { version: 0, rules: [{ ...rules[0], committed: { resolve: { unit: 'weeks', amount: -1 } } }, ...rules.slice(1)], settings },
  });
  t.is(invalid.status, 422);
  t.true(invalid.body.error.details.some((d: { field: string }) => d.field.startsWith('rules.0.committed.resolve')));
  const longer = await app.api('PUT', '/api/v1/time-limits/policies', {
    token: admin,
    body: { version: 0, rules: [...rules.slice(0, 2), { ...rules[2], committed: { ...rules[2]!.committed, resolve: { unit: 'workingDays', amount: 30 } } }, ...rules.slice(3)], settings },
  });
  t.is(longer.status, 422);
  t.is(longer.body.error.details[0].field, 'rules.2.committed.resolve');

  t.is((await app.api('PUT', '/api/v1/time-limits/policies', { token: await app.login('mgr'), body: { version: 0, rules, settings } })).status, 403);
  const updated = await app.api('PUT', '/api/v1/time-limits/policies', { token: admin, body: { version: 0, rules, settings, note: '承诺时限压缩为 2 个工作日' } });
  t.is(updated.status, 200, JSON.stringify(updated.body));
  t.is(updated.body.policy.version, 1);
  const stale = await app.api('PUT', '/api/v1/time-limits/policies', { token: admin, body: { version: 0, rules, settings } });
  t.is(stale.status, 409);

  const fresh = await dispatched('dist-b', 'help');
  const freshD = storedDeadlines((await Ticket.findById(fresh.id).lean<TicketDoc>())!)!;
  t.is(freshD.policyVersion, 1);
  t.deepEqual(freshD.resolve.limit, { unit: 'workingDays', amount: 2 });
  t.deepEqual(freshD.resolve.statutoryLimit, { unit: 'workingDays', amount: 5 }, 'statutory kept beside the committed limit');
  const oldAfter = storedDeadlines((await Ticket.findById(old.id).lean<TicketDoc>())!)!;
  t.is(oldAfter.policyVersion, 0);
  t.deepEqual(oldAfter.resolve.dueAt, oldDue, 'a ticket dispatched before keeps its deadline');

  const versions = await app.api('GET', '/api/v1/time-limits/policies/versions', { token: admin });
  t.deepEqual(versions.body.items.map((v: { version: number }) => v.version), [1]);
  t.is(versions.body.items[0].by.name, '系统管理员');
  t.true((await TimeLimitAudit.countDocuments({ action: 'policy_updated' })) >= 1);
});

test('calendar overrides: admin only, validated, recorded; coverage warnings tell admins to confirm a year', async (t) => {
  const admin = await app.login('admin');
  t.is((await app.api('PUT', '/api/v1/time-limits/calendar/overrides/2030-02-30', { token: admin, body: { kind: 'holiday' } })).status, 422);
  const badKind = await app.api('PUT', '/api/v1/time-limits/calendar/overrides/2030-02-01', { token: admin, body: { kind: 'rest' } });
  t.is(badKind.status, 422);
  t.is(badKind.body.error.details[0].field, 'kind');
  t.is((await app.api('PUT', '/api/v1/time-limits/calendar/overrides/2030-02-01', { token: await app.login('mgr'), body: { kind: 'holiday' } })).status, 403);

  const status2030 = await app.api('GET', '/api/v1/time-limits/calendar?year=2030', { token: admin });
  t.is(status2030.status, 200);
  t.is(status2030.body.coverage.source, 'computed');
  t.regex(status2030.body.coverage.warning, /请管理员核对国务院办公厅公布的2030年节假日安排/);

  const set = await app.api('PUT', '/api/v1/time-limits/calendar/overrides/2030-02-01', { token: admin, body: { kind: 'holiday', note: '市政府临时调休' } });
  t.is(set.status, 200);
  const listed = await app.api('GET', '/api/v1/time-limits/calendar?year=2030', { token: admin });
  t.deepEqual(listed.body.overrides.map((o: { date: string; kind: string }) => [o.date, o.kind]), [['2030-02-01', 'holiday']]);
  const confirmed = await app.api('POST', '/api/v1/time-limits/calendar/years/2030/confirm', { token: admin, body: { note: '已按国办通知录入' } });
  t.is(confirmed.status, 200);
  t.is(confirmed.body.coverage.source, 'admin');
  t.is((await app.api('DELETE', '/api/v1/time-limits/calendar/overrides/2030-02-01', { token: admin })).status, 204);
  t.is((await app.api('DELETE', '/api/v1/time-limits/calendar/overrides/2030-02-01', { token: admin })).status, 404);
  const actions = (await TimeLimitAudit.find({}).sort({ at: 1 }).lean()).map((a) => a.action);
  t.true(['calendar_override_set', 'calendar_year_confirmed', 'calendar_override_removed'].every((a) => actions.includes(a as never)));
});
