import test from 'ava';
import { startTestApp, eventually, type TestApp } from '../helpers/harness.ts';
import { Types } from 'mongoose';
import { Category, ClassifierModel, Ticket } from '../../server/data/models/index.ts';
import { currentClassifierId, retrainClassifier } from '../../server/services/classifier.ts';

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

test.serial('an admin retrains the classifier on demand from closed tickets; operators then get category suggestions', async (t) => {
  await Category.insertMany([
    { _id: '02', name: '城市管理', parentId: null, level: 1, path: ['城市管理'] },
    { _id: '0201', name: '市容环境', parentId: '02', level: 2, path: ['城市管理', '市容环境'] },
    { _id: '020101', name: '占道经营', parentId: '0201', level: 3, path: ['城市管理', '市容环境', '占道经营'] },
  ]);
  const now = new Date();
  const closed = (i: number, code: string, path: string[], content: string) => ({
    _id: new Types.ObjectId(), number: `20260101-${String(900000 + i)}`, day: '2026-01-01', channel: 'phone',
    caller: { phone: '13800000000', phoneLast4: '0000' }, type: 'help', urgency: 'normal', content, category: { code, path },
    location: {}, confidential: false, status: 'closed', owner: { kind: 'center', id: null, name: '中心' }, coUnits: [], scopeUnitIds: [],
    overdue: false, intakeKey: `train:${i}`, intakeFingerprint: 'x', searchTokens: [], version: 1, history: [], createdAt: now, updatedAt: now,
  });
  const docs = [];
  for (let i = 0; i < 15; i++) docs.push(closed(i, '010101', ['城乡建设', '物业管理', '电梯故障'], `${i}号楼电梯故障停运，困人，物业不修`));
  for (let i = 15; i < 30; i++) docs.push(closed(i, '020101', ['城市管理', '市容环境', '占道经营'], `菜市场门口${i}个摊贩占道经营堵路`));
  await Ticket.collection.insertMany(docs as never[]);

  t.is((await app.api('POST', '/api/v1/admin/classifier/retrain', { token: await app.login('disp') })).status, 403);
  const queued = await app.api('POST', '/api/v1/admin/classifier/retrain', { token: await app.login('admin') });
  t.is(queued.status, 202);
  await eventually(async () => (await ClassifierModel.countDocuments({})) > 0, 30_000);
  const info = await app.api('GET', '/api/v1/admin/classifier', { token: await app.login('admin') });
  t.is(info.body.classifier.records, 30);
  t.falsy(info.body.classifier.model, 'the model itself is not sent');
  await new Promise((r) => setTimeout(r, 50));
  const s = await app.api('POST', '/api/v1/suggest', { token: await app.login('op'), body: { content: '小区电梯又故障了，老人被困' } });
  t.is(s.body.categories[0].code, '010101');
  t.deepEqual(s.body.categories[0].path, ['城乡建设', '物业管理', '电梯故障']);
});

test.serial('retraining keeps the three newest models, and the one in use is the newest', async (t) => {
  // The closed tickets of the test before are the training data.
  for (let i = 0; i < 4; i++) t.truthy(await retrainClassifier());
  const models = await ClassifierModel.find({}, { _id: 1 }).sort({ trainedAt: -1 }).lean();
  t.is(models.length, 3);
  t.deepEqual(await currentClassifierId(), models[0]!._id);
});
