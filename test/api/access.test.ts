import test from 'ava';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Audit } from '../../server/data/models/index.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after.always(async () => app?.stop());

async function ticketFor(unitId: string | null, over: Record<string, unknown> = {}) {
  const op = await app.login('op');
  const res = await app.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { name: '陈晓红', phone: '13912348765' }, type: 'complaint', content: '湖滨街道菜市场门口占道经营严重，早上堵得走不通。', ...over },
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  let t = res.body.ticket;
  if (unitId) {
    const disp = await app.login('disp');
    const d = await app.api('POST', `/api/v1/tickets/${t.id}/actions/dispatch`, { token: disp, body: { version: t.version, leadUnitId: unitId } });
    if (d.status !== 200) throw new Error(JSON.stringify(d.body));
    t = d.body.ticket;
  }
  return t as { id: string; number: string; version: number };
}

test('a unit handler sees its own tickets with caller masked', async (t) => {
  const tk = await ticketFor('st-a1');
  const h = await app.login('h-a1');
  const res = await app.api('GET', `/api/v1/tickets/${tk.id}`, { token: h });
  t.is(res.status, 200);
  t.deepEqual(res.body.ticket.caller, { visibility: 'masked', name: '陈**', phone: '139****8765' });
  t.false(JSON.stringify(res.body).includes('13912348765'));
});

test('a parent unit sees its sub-unit tickets; a sibling district does not (403, not in list)', async (t) => {
  const tk = await ticketFor('st-a1');
  const parent = await app.login('h-a');
  t.is((await app.api('GET', `/api/v1/tickets/${tk.id}`, { token: parent })).status, 200);
  const other = await app.login('h-b');
  const denied = await app.api('GET', `/api/v1/tickets/${tk.id}`, { token: other });
  t.is(denied.status, 403);
  t.is(denied.body.error.code, 'forbidden');
  const byNumber = await app.api('GET', `/api/v1/tickets/${tk.number}`, { token: other });
  t.is(byNumber.status, 403);
  const list = await app.api('GET', '/api/v1/tickets?limit=200', { token: other });
  t.false(list.body.items.some((x: { id: string }) => x.id === tk.id));
  const listUnit = await app.api('GET', '/api/v1/tickets?unit=st-a1&limit=200', { token: other });
  t.is(listUnit.body.items.length, 0);
});

test('a ticket not yet dispatched is invisible to every unit', async (t) => {
  const tk = await ticketFor(null);
  for (const u of ['h-a', 'h-a1', 'h-b', 'h-zjj']) {
    t.is((await app.api('GET', `/api/v1/tickets/${tk.id}`, { token: await app.login(u) })).status, 403, u);
  }
});

test('confidential tickets and 举报 hide caller identity from units entirely', async (t) => {
  const h = await app.login('h-a1');
  for (const over of [{ confidential: true }, { type: 'report' }, { type: 'accuse' }]) {
    const tk = await ticketFor('st-a1', over);
    const res = await app.api('GET', `/api/v1/tickets/${tk.id}`, { token: h });
    t.deepEqual(res.body.ticket.caller, { visibility: 'hidden', name: null, phone: null }, JSON.stringify(over));
    t.false(JSON.stringify(res.body).includes('陈晓红'));
    const list = await app.api('GET', '/api/v1/tickets?limit=200', { token: h });
    const row = list.body.items.find((x: { id: string }) => x.id === tk.id);
    t.is(row.caller.phone, null);
  }
});

test('hotline staff see full caller data and the reveal is audited', async (t) => {
  const tk = await ticketFor('st-a1', { confidential: true });
  const op = await app.login('op');
  const res = await app.api('GET', `/api/v1/tickets/${tk.id}`, { token: op });
  t.is(res.body.ticket.caller.phone, '13912348765');
  const audit = await Audit.findOne({ ticketNumber: tk.number, userId: app.fx.users.op!.id }).lean();
  t.truthy(audit);
  t.is(audit!.action, 'view_caller');
});

test('a district manager sees only the district scope; the center manager sees all', async (t) => {
  const inA = await ticketFor('st-a1');
  const inB = await ticketFor('dist-b');
  const mgrA = await app.login('mgr-a');
  t.is((await app.api('GET', `/api/v1/tickets/${inA.id}`, { token: mgrA })).status, 200);
  t.is((await app.api('GET', `/api/v1/tickets/${inB.id}`, { token: mgrA })).status, 403);
  const mgr = await app.login('mgr');
  t.is((await app.api('GET', `/api/v1/tickets/${inB.id}`, { token: mgr })).status, 200);
});

test('only dispatchers and admins dispatch; a stale version gets 409', async (t) => {
  const tk = await ticketFor(null);
  for (const u of ['op', 'h-a', 'mgr']) {
    const r = await app.api('POST', `/api/v1/tickets/${tk.id}/actions/dispatch`, { token: await app.login(u), body: { version: tk.version, leadUnitId: 'st-a1' } });
    t.is(r.status, 403, u);
  }
  const disp = await app.login('disp');
  const badUnit = await app.api('POST', `/api/v1/tickets/${tk.id}/actions/dispatch`, { token: disp, body: { version: tk.version, leadUnitId: 'nowhere' } });
  t.is(badUnit.status, 422);
  t.is(badUnit.body.error.details[0].field, 'leadUnitId');
  const ok = await app.api('POST', `/api/v1/tickets/${tk.id}/actions/dispatch`, { token: disp, body: { version: tk.version, leadUnitId: 'st-a1' } });
  t.is(ok.status, 200);
  const stale = await app.api('POST', `/api/v1/tickets/${tk.id}/actions/dispatch`, { token: disp, body: { version: tk.version, leadUnitId: 'dist-b' } });
  t.is(stale.status, 409);
});
