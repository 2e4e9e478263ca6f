import test from 'ava';
import { startTestApp, eventually, type TestApp } from '../helpers/harness.ts';
import { Types } from 'mongoose';
import { Ticket } from '../../server/data/models/index.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp({ workers: true });
  await app.api('PUT', '/api/v1/admin/units/supervision', { token: await app.login('admin'), body: { name: '市政府督查室', kind: 'supervision' } });
});
test.after.always(async () => app?.stop());

const CONTENT = '湖滨街道幸福里小区3栋楼顶漏水，雨天家里天花板滴水，多次找物业未解决';

async function create(phone: string, content = CONTENT) {
  const r = await app.api('POST', '/api/v1/tickets', { token: await app.login('op'), body: { caller: { name: '郑先生', phone }, type: 'help', content } });
  return r.body.ticket as { id: string; number: string };
}
const routed = (id: string) => eventually(async () => {
  const t = await Ticket.findById(id).lean();
  return t && t.status !== 'new' ? t : null;
});
async function act(user: string, id: string, action: string, body: Record<string, unknown> = {}) {
  const t = (await Ticket.findById(id, { version: 1 }).lean())!;
  const r = await app.api('POST', `/api/v1/tickets/${id}/actions/${action}`, { token: await app.login(user), body: { version: t.version, ...body } });
  return r;
}
async function closeUnresolved(id: string, reply: Record<string, unknown> = {}) {
  const t = await routed(id);
  if (t.status === 'manual') await act('disp', id, 'dispatch', { leadUnitId: 'st-a1' });
  await act('h-a1', id, 'accept');
  const r = await act('h-a1', id, 'reply', { result: 'unresolved', text: '楼顶防水需业主共同出资，暂无法维修', ...reply });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  await act('disp', id, 'review', { approve: true });
  await act('op', id, 'callback', { satisfaction: 'unsatisfied', resolved: false, unitFault: false });
  const closed = (await Ticket.findById(id).lean())!;
  if (closed.status !== 'closed') throw new Error(`not closed: ${closed.status}`);
}

test.serial('an unresolved matter that comes back is a repeat; the second repeat must be explained; the third goes to supervision', async (t) => {
  const phone = '13955550001';
  const first = await create(phone);
  await closeUnresolved(first.id);

  const second = await routed((await create(phone, '幸福里小区3栋楼顶还是漏水，天花板滴水，上次反映没解决')).id);
  t.is(second.repeatCount, 1);
  t.is(String(second.repeatOf), first.id);
  t.true(second.repeatOf instanceof Types.ObjectId, 'stored as an ObjectId (the routing write bypasses mongoose casting)');
  const byRouter = second.history.filter((e) => e.actor.name === '智能派单');
  t.true(byRouter.length > 0 && byRouter.every((e) => typeof e.public === 'boolean' && e.actor.id === null), 'the routing events carry the schema defaults');
  t.regex(JSON.stringify(second.routing), /重复件/);
  await closeUnresolved(second._id.toHexString());

  const third = await routed((await create(phone)).id);
  t.is(third.repeatCount, 2);
  const id3 = third._id.toHexString();
  if (third.status === 'manual') await act('disp', id3, 'dispatch', { leadUnitId: 'st-a1' });
  await act('h-a1', id3, 'accept');
  const unexplained = await act('h-a1', id3, 'reply', { result: 'unresolved', text: '仍无法维修' });
  t.is(unexplained.status, 422);
  t.deepEqual(unexplained.body.error.details.map((d: { field: string }) => d.field).sort(), ['cause', 'responsibility']);
  await closeUnresolved(id3, { cause: '维修资金未落实', responsibility: '物业公司及业主委员会' });

  const fourth = await routed((await create(phone)).id);
  t.is(fourth.repeatCount, 3);
  t.is(fourth.status, 'dispatched');
  t.is(fourth.lead?.unitId, 'supervision');
});

test('duplicate hints and 并单: the new request joins the open one, and its caller sees that ticket’s progress', async (t) => {
  const open = await create('13955550002', '西城区人民路与建设路口红绿灯坏了，车辆乱行很危险');
  await routed(open.id);
  const hints = await app.api('GET', `/api/v1/tickets/duplicates?content=${encodeURIComponent('人民路建设路口的红绿灯不亮了')}&phone=13955550003`, { token: await app.login('op') });
  t.is(hints.status, 200);
  const hit = hints.body.items.find((i: { ticketId: string }) => i.ticketId === open.id);
  t.truthy(hit, JSON.stringify(hints.body));
  t.deepEqual(hit.reasons, ['similar_text']);
  t.is((await app.api('GET', '/api/v1/tickets/duplicates?phone=13955550002', { token: await app.login('h-a') })).status, 403);

  const dup = await create('13955550003', '人民路建设路口的红绿灯不亮了');
  await routed(dup.id);
  const self = await act('op', dup.id, 'merge', { parentId: dup.id });
  t.is(self.status, 422);
  const merged = await act('op', dup.id, 'merge', { parentId: open.id, note: '同一路口信号灯故障' });
  t.is(merged.status, 200);
  t.is(merged.body.ticket.status, 'merged');
  t.is((await act('op', dup.id, 'merge', { parentId: open.id })).status, 409, 'already merged');

  await act('disp', open.id, 'dispatch', { leadUnitId: 'dist-b' });
  const pub = await app.api('GET', `/api/v1/public/tickets/${dup.number}?phoneLast4=0003`);
  t.is(pub.status, 200);
  t.is(pub.body.mergedInto, (await Ticket.findById(open.id).lean())!.number);
  t.is(pub.body.status, 'dispatched');
  t.true(pub.body.progress.some((p: { type: string }) => p.type === 'merged'));
  t.true(pub.body.progress.some((p: { type: string }) => p.type === 'dispatched'));
});
