import test from 'ava';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Category, Ticket } from '../../server/data/models/index.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp({ env: { PUBLIC_RATE_PER_HOUR: '1000', LOGIN_ATTEMPTS_PER_15MIN: '3' } });
});
test.after.always(async () => app?.stop());

const call = (over: Record<string, unknown> = {}) => ({
  caller: { name: '张建国', phone: '13812345678' },
  type: 'help',
  urgency: 'normal',
  content: '幸福小区3栋电梯停运两天了，老人上下楼困难，物业一直说在等配件。',
  address: '东湖区湖滨街道幸福小区3栋',
  categoryCode: '010101',
  ...over,
});

test('operator logs a call: 201 with number, durable in MongoDB with its history event', async (t) => {
  const token = await app.login('op');
  const res = await app.api('POST', '/api/v1/tickets', { token, body: call() });
  t.is(res.status, 201);
  const tk = res.body.ticket;
  t.regex(tk.number, /^\d{8}-\d{6}$/);
  t.is(tk.status, 'new');
  t.is(tk.caller.phone, '13812345678');
  t.deepEqual(tk.category, { code: '010101', path: ['城乡建设', '物业管理', '电梯故障'] });
  t.is(tk.owner.name, '王话务');
  const stored = await Ticket.findOne({ number: tk.number }).lean();
  t.truthy(stored);
  t.is(stored!.history.length, 1);
  t.is(stored!.history[0]!.type, 'created');
  t.is(stored!.history[0]!.actor.name, '王话务');
  t.true(stored!.searchTokens.includes('电梯'));
});

test('validation errors name every bad field', async (t) => {
  const token = await app.login('op');
  const res = await app.api('POST', '/api/v1/tickets', {
    token,
    body: { caller: { phone: 'abc' }, type: 'nonsense', content: '', urgency: 'soon' },
  });
  t.is(res.status, 422);
  t.is(res.body.error.code, 'validation_failed');
  const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
  t.deepEqual(fields, ['caller.phone', 'content', 'type', 'urgency']);
  t.is(await Ticket.countDocuments({ 'caller.phone': 'abc' }), 0);
});

test('unknown category is refused with the field named', async (t) => {
  const token = await app.login('op');
  const res = await app.api('POST', '/api/v1/tickets', { token, body: call({ categoryCode: '9999' }) });
  t.is(res.status, 422);
  t.is(res.body.error.details[0].field, 'categoryCode');
});

test('intake keeps the category dictionary in memory, yet a category added since is accepted and an inactive one refused', async (t) => {
  const token = await app.login('op');
  t.is((await app.api('POST', '/api/v1/tickets', { token, body: call() })).status, 201, 'the dictionary is read');
  await Category.create([
    { _id: '010199', name: '加装电梯', parentId: '0101', level: 3, path: ['城乡建设', '物业管理', '加装电梯'] },
    { _id: '010198', name: '已停用', parentId: '0101', level: 3, path: ['城乡建设', '物业管理', '已停用'], active: false },
  ]);
  const added = await app.api('POST', '/api/v1/tickets', { token, body: call({ categoryCode: '010199' }) });
  t.is(added.status, 201);
  t.deepEqual(added.body.ticket.category, { code: '010199', path: ['城乡建设', '物业管理', '加装电梯'] });
  const inactive = await app.api('POST', '/api/v1/tickets', { token, body: call({ categoryCode: '010198' }) });
  t.is(inactive.status, 422);
  t.is(inactive.body.error.details[0].field, 'categoryCode');
});

test('MongoDB operators, dotted keys and __proto__ are refused', async (t) => {
  const token = await app.login('op');
  for (const raw of [
    '{"caller":{"phone":{"$gt":""}},"type":"help","content":"x"}',
    '{"caller.phone":"13800000000","type":"help","content":"x"}',
    '{"__proto__":{"admin":true},"type":"help","content":"x"}',
  ]) {
    const res = await app.api('POST', '/api/v1/tickets', { token, raw, headers: { 'content-type': 'application/json' } });
    t.is(res.status, 400, raw);
    t.is(res.body.error.code, 'forbidden_key', JSON.stringify(res.body));
  }
  const q = await app.api('GET', '/api/v1/tickets?status[$ne]=closed', { token });
  t.is(q.status, 400);
});

test('malformed JSON, wrong content type and oversized bodies get clear errors', async (t) => {
  const token = await app.login('op');
  const bad = await app.api('POST', '/api/v1/tickets', { token, raw: '{"a":', headers: { 'content-type': 'application/json' } });
  t.is(bad.status, 400);
  t.is(bad.body.error.code, 'invalid_json', JSON.stringify(bad.body));
  const form = await app.api('POST', '/api/v1/tickets', { token, raw: 'a=1', headers: { 'content-type': 'text/plain' } });
  t.is(form.status, 415);
  const big = await app.api('POST', '/api/v1/tickets', { token, body: call({ content: '很'.repeat(40_000) }) });
  t.is(big.status, 413);
  t.is(big.body.error.code, 'payload_too_large');
  t.false(JSON.stringify(big.body).includes('at '), 'no stack trace');
});

test('Idempotency-Key: a retried request returns the same ticket, also under concurrent retries', async (t) => {
  const token = await app.login('op');
  const headers = { 'idempotency-key': 'call-7f3a9c2e-0001' };
  const first = await app.api('POST', '/api/v1/tickets', { token, body: call(), headers });
  t.is(first.status, 201);
  const again = await app.api('POST', '/api/v1/tickets', { token, body: call(), headers });
  t.is(again.status, 200);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.is(again.body.ticket.id, first.body.ticket.id);

  const burstHeaders = { 'idempotency-key': 'call-7f3a9c2e-0002' };
  const burst = await Promise.all(Array.from({ length: 12 }, () => app.api('POST', '/api/v1/tickets', { token, body: call(), headers: burstHeaders })));
  const ids = new Set(burst.map((r) => r.body.ticket.id));
  t.is(ids.size, 1);
  t.is(burst.filter((r) => r.status === 201).length, 1);
  t.is(await Ticket.countDocuments({ intakeKey: { $regex: 'call-7f3a9c2e-0002$' } }), 1);

  const changed = await app.api('POST', '/api/v1/tickets', { token, body: call({ content: '另一件事' }), headers });
  t.is(changed.status, 409);
  t.is(changed.body.error.code, 'idempotency_key_reused');
});

test.serial('ticket numbers are unique and gap-free per day under concurrency', async (t) => {
  const token = await app.login('op');
  const res = await Promise.all(Array.from({ length: 40 }, () => app.api('POST', '/api/v1/tickets', { token, body: call() })));
  t.true(res.every((r) => r.status === 201));
  const numbers = res.map((r) => r.body.ticket.number as string);
  t.is(new Set(numbers).size, 40);
  const seqs = numbers.map((n) => Number(n.split('-')[1])).sort((a, b) => a - b);
  t.is(seqs.at(-1)! - seqs[0]!, 39);
});

test('direct answer and emergency transfer are recorded outcomes that close the ticket', async (t) => {
  const token = await app.login('op');
  const answered = await app.api('POST', '/api/v1/tickets', {
    token,
    body: call({ type: 'consult', outcome: { kind: 'direct_answer', answer: '社保卡补办可在市民中心一楼社保窗口办理，需携带身份证。' } }),
  });
  t.is(answered.status, 201);
  t.is(answered.body.ticket.status, 'closed');
  t.is(answered.body.ticket.closure.reason, 'direct_answer');
  t.deepEqual(answered.body.ticket.history.map((h: { type: string }) => h.type), ['created', 'direct_answered']);

  const emergency = await app.api('POST', '/api/v1/tickets', {
    token,
    body: call({ urgency: 'critical', content: '小区地下车库冒烟有火光', outcome: { kind: 'emergency_transfer', line: '119', note: '已三方转接119' } }),
  });
  t.is(emergency.status, 201);
  t.is(emergency.body.ticket.emergency.line, '119');
  t.is(emergency.body.ticket.closure.reason, 'emergency_transfer');

  const badLine = await app.api('POST', '/api/v1/tickets', { token, body: call({ outcome: { kind: 'emergency_transfer', line: '911' } }) });
  t.is(badLine.status, 422);
  t.is(badLine.body.error.details[0].field, 'outcome.line');
});

test('web message needs no login and gives a number and a query code; progress lookup shows public data only', async (t) => {
  const res = await app.api('POST', '/api/v1/public/messages', {
    body: { name: '刘女士', phone: '13900001234', content: '建议在滨江公园增设夜间照明，晚上散步太黑。', type: 'suggestion' },
  });
  t.is(res.status, 201);
  t.regex(res.body.queryCode, /^[A-Z2-9]{8}$/);
  const number = res.body.number;
  const stored = await Ticket.findOne({ number }).lean();
  t.is(stored!.channel, 'web');
  t.is(stored!.owner.kind, 'center');

  const byPhone = await app.api('GET', `/api/v1/public/tickets/${number}?phoneLast4=1234`);
  t.is(byPhone.status, 200);
  t.is(byPhone.body.statusLabel, '待派单');
  t.is(JSON.stringify(byPhone.body).includes('13900001234'), false);
  t.is(JSON.stringify(byPhone.body).includes('刘女士'), false);
  const byCode = await app.api('GET', `/api/v1/public/tickets/${number}?code=${res.body.queryCode}`);
  t.is(byCode.status, 200);
  const wrong = await app.api('GET', `/api/v1/public/tickets/${number}?phoneLast4=9999`);
  t.is(wrong.status, 404);
  const missing = await app.api('GET', `/api/v1/public/tickets/${number}`);
  t.is(missing.status, 422);
});

test('a caller without a token is refused (401) and a unit handler may not log calls (403)', async (t) => {
  const none = await app.api('POST', '/api/v1/tickets', { body: call() });
  t.is(none.status, 401);
  t.is(none.body.error.code, 'unauthorized');
  const forged = await app.api('GET', '/api/v1/tickets', { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' });
  t.is(forged.status, 401);
  const handler = await app.login('h-a');
  const res = await app.api('POST', '/api/v1/tickets', { token: handler, body: call() });
  t.is(res.status, 403);
  t.is(res.body.error.code, 'forbidden');
});

test('login: wrong password 401, repeated failures are rate-limited (429 with Retry-After)', async (t) => {
  const wrong = () => app.api('POST', '/api/v1/auth/login', { body: { username: 'disp', password: 'nope' } });
  for (let i = 0; i < 3; i++) t.is((await wrong()).status, 401);
  const limited = await wrong();
  t.is(limited.status, 429);
  t.truthy(limited.headers.get('retry-after'));
  // Even the right password is refused while blocked.
  const right = await app.api('POST', '/api/v1/auth/login', { body: { username: 'disp', password: app.fx.password } });
  t.is(right.status, 429);
});

test('list: filters, text search and cursor pagination', async (t) => {
  const token = await app.login('op');
  const marker = '路灯';
  for (let i = 0; i < 5; i++) {
    await app.api('POST', '/api/v1/tickets', { token, body: call({ type: 'complaint', urgency: 'urgent', content: `滨江路${i}号附近${marker}不亮已经一周` }) });
  }
  const page1 = await app.api('GET', `/api/v1/tickets?q=${encodeURIComponent(marker)}&urgency=urgent&limit=3`, { token });
  t.is(page1.status, 200);
  t.is(page1.body.items.length, 3);
  t.truthy(page1.body.nextCursor);
  const page2 = await app.api('GET', `/api/v1/tickets?q=${encodeURIComponent(marker)}&urgency=urgent&limit=3&cursor=${page1.body.nextCursor}`, { token });
  t.is(page2.body.items.length, 2);
  t.is(page2.body.nextCursor, null);
  const all = [...page1.body.items, ...page2.body.items].map((x: { id: string }) => x.id);
  t.is(new Set(all).size, 5);
  const closed = await app.api('GET', '/api/v1/tickets?status=closed&limit=200', { token });
  t.true(closed.body.items.every((x: { status: string }) => x.status === 'closed'));
  const badStatus = await app.api('GET', '/api/v1/tickets?status=bogus', { token });
  t.is(badStatus.status, 422);
  t.is(badStatus.body.error.details[0].field, 'status');
});

test('health reports each store; metrics are exposed', async (t) => {
  const h = await app.api('GET', '/health');
  t.is(h.status, 200);
  t.is(h.body.status, 'ok');
  t.true(h.body.stores.mongodb.ok);
  t.true(h.body.stores.redis.ok);
  const m = await app.api('GET', '/metrics');
  t.is(m.status, 200);
  t.regex(m.body as string, /http_request_duration_seconds_bucket/);
  t.regex(m.body as string, /queue_jobs\{queue="routing",state="waiting"\}/);
});

test('the console is served at / (and at client-side paths), the citizens’ page at /message.html, unknown API paths get the JSON 404', async (t) => {
  for (const p of ['/', '/tickets/0123456789abcdef01234567']) {
    const page = await fetch(`${app.url}${p}`);
    t.is(page.status, 200);
    t.regex(await page.text(), /12345 热线工单系统/);
  }
  const citizens = await fetch(`${app.url}/message.html`);
  t.is(citizens.status, 200);
  t.regex(await citizens.text(), /12345 政务服务便民热线/);
  const missing = await app.api('GET', '/api/v1/nothing-here');
  t.is(missing.status, 404);
  t.is(missing.body.error.code, 'not_found');
});
