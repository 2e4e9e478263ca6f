import test from 'ava';
import { startTestApp, type TestApp } from '../helpers/harness.ts';

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

async function newTicket(): Promise<T> {
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { name: '孙丽', phone: '13566667777' }, type: 'help', content: '湖滨街道幸福里小区积水严重，雨后两天还没退，车库进不去。' },
  });
  return res.body.ticket;
}

async function act(user: string, t: T, action: string, body: Record<string, unknown> = {}) {
  const res = await app.api('POST', `/api/v1/tickets/${t.id}/actions/${action}`, { token: await app.login(user), body: { version: t.version, ...body } });
  return res;
}

async function ok(user: string, t: T, action: string, body: Record<string, unknown> = {}): Promise<T> {
  const res = await act(user, t, action, body);
  if (res.status !== 200) throw new Error(`${action} by ${user}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ticket;
}

test('the closed loop: dispatch, accept, contact, reply, review, callback, closed; the citizen sees the reply', async (t) => {
  let tk = await newTicket();
  tk = await ok('disp', tk, 'dispatch', { leadUnitId: 'st-a1' });
  t.is(tk.status, 'dispatched');
  tk = await ok('h-a1', tk, 'accept');
  t.is(tk.status, 'accepted');
  t.deepEqual(tk.owner, { kind: 'unit', id: 'st-a1', name: '东湖区湖滨街道办事处' });
  tk = await ok('h-a1', tk, 'contact', { note: '已电话联系孙女士，约定明早现场查看' });
  t.truthy(tk.contactedAt);
  tk = await ok('h-a1', tk, 'reply', { result: 'resolved', text: '已协调市政排水疏通雨水井，积水已排净。' });
  t.is(tk.status, 'replied');
  tk = await ok('mgr', tk, 'review', { approve: true });
  t.is(tk.status, 'callback');
  tk = await ok('op', tk, 'callback', { satisfaction: 'satisfied', resolved: true });
  t.is(tk.status, 'closed');
  const types = (tk.history as { type: string; seq: number }[]).map((h) => h.type);
  t.deepEqual(types, ['created', 'dispatched', 'deadlines_set', 'accepted', 'contacted', 'replied', 'reviewed', 'callback', 'closed']);
  t.deepEqual((tk.history as { seq: number }[]).map((h) => h.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9]);

  const pub = await app.api('GET', `/api/v1/public/tickets/${tk.number}?phoneLast4=7777`);
  t.is(pub.body.status, 'closed');
  t.true(pub.body.progress.some((p: { text?: string }) => p.text === '已协调市政排水疏通雨水井，积水已排净。'));
  t.false(JSON.stringify(pub.body).includes('已电话联系'), 'internal notes stay internal');
});

test('each action is refused for the wrong role, the wrong unit and the wrong state', async (t) => {
  let tk = await newTicket();
  t.is((await act('h-a1', tk, 'accept')).status, 403, 'a unit cannot see a ticket not dispatched to it');
  t.is((await act('disp', tk, 'review', { approve: true })).status, 409, 'nothing to review yet');
  t.is((await act('op', tk, 'dispatch', { leadUnitId: 'st-a1' })).status, 403, 'operators do not dispatch');
  tk = await ok('disp', tk, 'dispatch', { leadUnitId: 'st-a1' });
  t.is((await act('h-b', tk, 'accept')).status, 403, 'another district cannot even see it');
  t.is((await act('h-a', tk, 'accept')).status, 403, 'the parent district sees it but is not the lead');
  t.is((await act('op', tk, 'accept')).status, 403, 'operators do not accept');
  t.is((await act('h-a1', tk, 'reply', { result: 'resolved', text: 'x' })).status, 409, 'reply before accepting');
  tk = await ok('h-a1', tk, 'accept');
  t.is((await act('h-a1', { ...tk, version: tk.version - 1 }, 'contact', { note: 'x' })).status, 409, 'stale version');
  tk = await ok('h-a1', tk, 'reply', { result: 'explained', text: '已解释政策' });
  t.is((await act('h-a1', tk, 'review', { approve: true })).status, 403, 'units do not review their own replies');
  tk = await ok('disp', tk, 'review', { approve: false, reason: '答复未说明具体处理时间' });
  t.is(tk.status, 'accepted');
  t.is(tk.reviewRejections, 1);
  tk = await ok('h-a1', tk, 'reply', { result: 'resolved', text: '已于周三完成处理' });
  tk = await ok('disp', tk, 'review', { approve: true });
  t.is((await act('h-a1', tk, 'callback', { satisfaction: 'satisfied', resolved: true })).status, 403, 'units do not record callbacks');
  const bad = await act('op', tk, 'callback', { satisfaction: 'great', resolved: true });
  t.is(bad.status, 422);
  t.is(bad.body.error.details[0].field, 'satisfaction');
  const unknown = await act('op', tk, 'teleport');
  t.is(unknown.status, 422);
  t.is(unknown.body.error.details[0].field, 'action');
});

test('returns: rejected goes back to the unit; approved goes to dispatchers; the second goes to a manager to arbitrate', async (t) => {
  let tk = await newTicket();
  tk = await ok('disp', tk, 'dispatch', { leadUnitId: 'dept-zjj' });
  tk = await ok('h-zjj', tk, 'request_return', { reason: '积水属排水管理，不属住建职责' });
  t.is(tk.status, 'return_requested');
  t.is((await act('h-zjj', tk, 'decide_return', { approve: true, reason: 'x' })).status, 403);
  tk = await ok('disp', tk, 'decide_return', { approve: false, reason: '小区内部设施属住建监管' });
  t.is(tk.status, 'dispatched');
  tk = await ok('h-zjj', tk, 'request_return', { reason: '再次申请：应由街道处理' });
  tk = await ok('disp', tk, 'decide_return', { approve: true, reason: '同意，改派街道' });
  t.is(tk.status, 'manual');
  t.is(tk.returnCount, 1);
  t.is((await app.api('GET', `/api/v1/tickets/${tk.id}`, { token: await app.login('h-zjj') })).status, 403, 'the returning unit loses the ticket');
  tk = await ok('disp', tk, 'dispatch', { leadUnitId: 'st-a1' });
  tk = await ok('h-a1', tk, 'request_return', { reason: '涉及市政管网，应由区里处理' });
  tk = await ok('disp', tk, 'decide_return', { approve: true, reason: '多次退单，提交裁决' });
  t.is(tk.status, 'arbitration');
  t.is((await act('disp', tk, 'arbitrate', { leadUnitId: 'dist-a', reason: 'x' })).status, 403, 'dispatchers do not arbitrate');
  tk = await ok('mgr', tk, 'arbitrate', { leadUnitId: 'dist-a', reason: '区政府牵头，街道配合', coUnitIds: ['st-a1'] });
  t.is(tk.status, 'dispatched');
  t.deepEqual((tk.lead as { unitId: string }).unitId, 'dist-a');
  const types = (tk.history as { type: string }[]).map((h) => h.type);
  t.true(types.includes('arbitration_requested'));
  t.true(types.includes('arbitrated'));
});

test('co-handling: the lead waits for every part or replies with a reason; co-units cannot reply', async (t) => {
  let tk = await newTicket();
  tk = await ok('disp', tk, 'dispatch', { leadUnitId: 'st-a1', coUnitIds: ['dept-zjj', 'dist-b'] });
  tk = await ok('h-a1', tk, 'accept');
  tk = await ok('h-zjj', tk, 'co_report', { text: '已督促物业清理排水沟' });
  const blocked = await act('h-a1', tk, 'reply', { result: 'resolved', text: '已处理' });
  t.is(blocked.status, 409);
  t.is(blocked.body.error.code, 'co_parts_missing');
  t.deepEqual(blocked.body.error.details.missing, ['dist-b']);
  t.is((await act('h-zjj', tk, 'reply', { result: 'resolved', text: '已处理' })).status, 403);
  t.is((await act('h-a1', tk, 'co_report', { text: 'x' })).status, 403, 'the lead is not a co-unit');
  const over = await ok('h-a1', tk, 'reply', { result: 'partly', text: '积水已排，管网改造另行安排', override: '西城区逾期未反馈，先行答复' });
  t.is((over.reply as { override: string }).override, '西城区逾期未反馈，先行答复');
});

test('callback: unsatisfied through the unit’s fault sends it back as a redo; otherwise it closes', async (t) => {
  let tk = await newTicket();
  tk = await ok('disp', tk, 'dispatch', { leadUnitId: 'st-a1' });
  tk = await ok('h-a1', tk, 'accept');
  tk = await ok('h-a1', tk, 'reply', { result: 'resolved', text: '已处理' });
  tk = await ok('disp', tk, 'review', { approve: true });
  tk = await ok('op', tk, 'callback', { satisfaction: 'unsatisfied', resolved: false, unitFault: true, note: '市民称现场仍有积水' });
  t.is(tk.status, 'dispatched');
  t.is(tk.redoCount, 1);
  tk = await ok('h-a1', tk, 'accept');
  tk = await ok('h-a1', tk, 'reply', { result: 'resolved', text: '二次疏通，已无积水' });
  tk = await ok('disp', tk, 'review', { approve: true });
  tk = await ok('op', tk, 'callback', { satisfaction: 'basically', resolved: true });
  t.is(tk.status, 'closed');
  t.is(tk.redoCount, 1);
});
