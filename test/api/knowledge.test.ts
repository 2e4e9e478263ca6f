import test from 'ava';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { insertEntries } from '../../server/services/knowledge.ts';
import { DEMO_KNOWLEDGE } from '../../scripts/seed/knowledge.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp();
  await insertEntries(DEMO_KNOWLEDGE, null);
});
test.after.always(async () => app?.stop());

const as = async (user: string) => app.login(user);
const search = async (user: string, q: string) => app.api('GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}`, { token: await as(user) });

const ENTRY = {
  title: '电动自行车怎么上牌？',
  keywords: ['电动车上牌', '电动自行车', '上牌', '牌照'],
  answer: '符合新国标的电动自行车，车主携带身份证、购车发票和合格证到就近的交警车管服务站办理，当场发放号牌。',
  source: '市交警支队',
};

test.serial('an admin adds, edits, deactivates and deletes an entry; operators’ search follows every edit at once', async (t) => {
  const admin = await as('admin');
  const created = await app.api('POST', '/api/v1/admin/knowledge', { token: admin, body: ENTRY });
  t.is(created.status, 201, JSON.stringify(created.body));
  const id = created.body.entry.id as string;
  t.is(created.body.entry.active, true);
  t.is(created.body.entry.updatedBy.name.length > 0, true);

  const found = await search('op', '我刚买了辆电动车，想问下去哪里上牌');
  t.is(found.status, 200);
  t.is(found.body.items[0]?.id, id, JSON.stringify(found.body.items.map((i: { title: string }) => i.title)));
  t.true(found.body.items[0].matched.includes('上牌'));
  t.regex(found.body.items[0].answer, /车管服务站/);

  // An edit is searched at the next request (the index follows the stored revision).
  const edited = await app.api('PUT', `/api/v1/admin/knowledge/${id}`, {
    token: admin,
    body: { ...ENTRY, keywords: [...ENTRY.keywords, '电瓶车'], source: undefined },
  });
  t.is(edited.status, 200, JSON.stringify(edited.body));
  t.is(edited.body.entry.source, null, 'a source left out is removed');
  t.is((await search('disp', '电瓶车牌照在哪办')).body.items[0]?.id, id);

  // Inactive entries stay in the admin list but are never offered.
  await app.api('PUT', `/api/v1/admin/knowledge/${id}`, { token: admin, body: { ...ENTRY, active: false } });
  t.false((await search('op', '电动车上牌')).body.items.some((i: { id: string }) => i.id === id));
  const inactive = await app.api('GET', '/api/v1/admin/knowledge?active=false', { token: admin });
  t.deepEqual(inactive.body.items.map((i: { id: string }) => i.id), [id]);
  t.is((await app.api('GET', `/api/v1/admin/knowledge/${id}`, { token: admin })).body.entry.active, false);

  t.is((await app.api('DELETE', `/api/v1/admin/knowledge/${id}`, { token: admin })).status, 204);
  t.is((await app.api('GET', `/api/v1/admin/knowledge/${id}`, { token: admin })).status, 404);
  t.is((await app.api('DELETE', `/api/v1/admin/knowledge/${id}`, { token: admin })).status, 404);
  t.is((await app.api('PUT', `/api/v1/admin/knowledge/${id}`, { token: admin, body: ENTRY })).status, 404);
});

test('the demo base answers common consultations; small talk finds nothing', async (t) => {
  const r = await search('op', '你好，我社保卡丢了，要怎么补办');
  t.is(r.status, 200);
  t.regex(r.body.items[0]?.title ?? '', /社保卡丢失/);
  t.true(r.body.items[0].score > 0);
  t.true(r.body.items.length <= 5);
  t.deepEqual((await search('op', '今天天气不错')).body.items, []);
  const one = await app.api('GET', `/api/v1/knowledge/search?q=${encodeURIComponent('公积金')}&limit=1`, { token: await as('op') });
  t.is(one.body.items.length, 1);
});

test('only hotline staff search; only admins edit, list or delete', async (t) => {
  for (const user of ['h-a', 'mgr']) {
    t.is((await search(user, '社保卡补办')).status, 403, `${user} search`);
  }
  t.is((await app.api('GET', '/api/v1/knowledge/search?q=社保卡')).status, 401);
  const anyId = (await app.api('GET', '/api/v1/admin/knowledge', { token: await as('admin') })).body.items[0].id as string;
  for (const user of ['op', 'disp', 'mgr', 'h-a']) {
    const token = await as(user);
    t.is((await app.api('GET', '/api/v1/admin/knowledge', { token })).status, 403, `${user} list`);
    t.is((await app.api('GET', `/api/v1/admin/knowledge/${anyId}`, { token })).status, 403, `${user} get`);
    t.is((await app.api('POST', '/api/v1/admin/knowledge', { token, body: ENTRY })).status, 403, `${user} create`);
    t.is((await app.api('PUT', `/api/v1/admin/knowledge/${anyId}`, { token, body: ENTRY })).status, 403, `${user} edit`);
    t.is((await app.api('DELETE', `/api/v1/admin/knowledge/${anyId}`, { token })).status, 403, `${user} delete`);
  }
  t.is((await app.api('GET', `/api/v1/admin/knowledge/${anyId}`, { token: await as('admin') })).status, 200, 'still there');
});

test('bad input is a 422 naming every bad field', async (t) => {
  const admin = await as('admin');
  const bad = await app.api('POST', '/api/v1/admin/knowledge', {
    token: admin,
    body: { title: '  ', keywords: ['社保', 'x'.repeat(31)], answer: '', active: 'yes', extra: 1 },
  });
  t.is(bad.status, 422);
  const fields = bad.body.error.details.map((d: { field: string }) => d.field).sort();
  t.deepEqual(fields, ['(body)', 'active', 'answer', 'keywords.1', 'title']);
  t.is((await app.api('PUT', '/api/v1/admin/knowledge/not-an-id', { token: admin, body: ENTRY })).body.error.details[0].field, 'id');
  const noQuery = await app.api('GET', '/api/v1/knowledge/search', { token: await as('op') });
  t.is(noQuery.status, 422);
  t.is(noQuery.body.error.details[0].field, 'q');
  const badLimit = await app.api('GET', '/api/v1/knowledge/search?q=社保&limit=100', { token: await as('op') });
  t.is(badLimit.body.error.details[0].field, 'limit');
});
