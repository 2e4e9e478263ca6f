import test from 'ava';
import { startTestApp, eventually, type TestApp } from '../helpers/harness.ts';
import { Ticket } from '../../server/data/models/index.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp({ workers: true });
});
test.after.always(async () => app?.stop());

const put = async (user: string, path: string, body: unknown) => app.api('PUT', path, { token: await app.login(user), body });

async function call(content: string, over: Record<string, unknown> = {}) {
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { name: '吴先生', phone: '13611112222' }, type: 'help', content, ...over },
  });
  return res.body.ticket as { id: string };
}

const settled = (id: string) => eventually(async () => {
  const t = await Ticket.findById(id).lean();
  return t && t.status !== 'new' ? t : null;
});

test.serial('a catalogue edit applies to the next ticket without a restart; the decision is explained in the history', async (t) => {
  await put('admin', '/api/v1/admin/places/hb', { name: '湖滨街道', aliases: ['湖滨'], kind: 'street', unitId: 'st-a1' });
  const before = await settled((await call('湖滨街道幸福里小区电梯坏了三天', { address: '东湖区湖滨街道幸福里小区' })).id);
  t.is(before.status, 'dispatched');
  t.is(before.lead!.unitId, 'dist-a', 'no rule owns elevators yet: 兜底 to the district of the address');

  const rule = await put('admin', '/api/v1/admin/rules/elevator', {
    name: '电梯故障属地处理',
    priority: 60,
    keywords: ['电梯'],
    target: { kind: 'territorial', level: 'street' },
    coUnitIds: ['dept-zjj'],
  });
  t.is(rule.status, 200, JSON.stringify(rule.body));
  const after = await settled((await call('湖滨街道幸福里小区电梯坏了三天', { address: '东湖区湖滨街道幸福里小区' })).id);
  t.is(after.status, 'dispatched');
  t.is(after.lead!.unitId, 'st-a1');
  t.deepEqual(after.coUnits.map((c) => c.unitId), ['dept-zjj']);
  const dispatched = after.history.find((h) => h.type === 'dispatched')!;
  t.is(dispatched.actor.name, '智能派单');
  t.regex(dispatched.note ?? '', /电梯故障属地处理/);
  t.regex(dispatched.note ?? '', /湖滨/);
  t.truthy(after.routing);
});

test.serial('complaints about a unit’s staff go to supervision, never to that unit', async (t) => {
  await put('admin', '/api/v1/admin/units/supervision', { name: '市政府督查室', kind: 'supervision' });
  await put('admin', '/api/v1/admin/units/dept-zjj', { name: '市住房和城乡建设局', shortName: '住建局', kind: 'department' });
  const tk = await settled((await call('投诉住建局工作人员态度恶劣，推诿不办', { type: 'complaint' })).id);
  t.is(tk.lead?.unitId, 'supervision');
  t.false(tk.scopeUnitIds.includes('dept-zjj'));
});

test('only admins edit the catalogue; bad input names the field', async (t) => {
  for (const user of ['op', 'disp', 'mgr', 'h-a']) {
    const r = await put(user, '/api/v1/admin/rules/x', { name: 'x', keywords: ['x'], target: { kind: 'unit', unitId: 'dist-a' } });
    t.is(r.status, 403, user);
  }
  const noEvidence = await put('admin', '/api/v1/admin/rules/x', { name: 'x', target: { kind: 'unit', unitId: 'dist-a' } });
  t.is(noEvidence.status, 422);
  t.is(noEvidence.body.error.details[0].field, 'categoryPrefixes');
  const badUnit = await put('admin', '/api/v1/admin/rules/x', { name: 'x', keywords: ['x'], target: { kind: 'unit', unitId: 'nowhere' } });
  t.is(badUnit.status, 422);
  t.is(badUnit.body.error.details[0].field, 'target.unitId');
  const cycle = await put('admin', '/api/v1/admin/units/dist-a', { name: '东湖区', kind: 'district', parentId: 'st-a1' });
  t.is(cycle.status, 422);
  t.is(cycle.body.error.details[0].field, 'parentId');
  const open = await put('admin', '/api/v1/admin/areas/a1', { unitId: 'st-a1', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } });
  t.is(open.status, 422);
});

test('operators get a unit suggestion while typing; units may not use it', async (t) => {
  const s = await app.api('POST', '/api/v1/suggest', { token: await app.login('op'), body: { content: '湖滨街道小区电梯停运', address: '湖滨街道' } });
  t.is(s.status, 200);
  t.true(Array.isArray(s.body.explanation));
  const denied = await app.api('POST', '/api/v1/suggest', { token: await app.login('h-a'), body: { content: '电梯' } });
  t.is(denied.status, 403);
});
