/**
 * The console in a real browser: Debian's chromium (scripts/ensure-chromium.ts)
 * driven headless by playwright-core against a real server and workers on the
 * isolated stores. Screenshots go to test-results/ (look at them).
 */
import test from 'ava';
import type { Browser } from 'playwright-core';
import { launchBrowser, login, newContext, shot } from '../helpers/browser.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/harness.ts';


let app: TestApp;
let browser: Browser;

test.before(async () => {
  app = await startTestApp({ workers: true });
  browser = await launchBrowser();
});

test.after.always(async () => {
  await browser?.close();
  await app?.stop();
});




test.serial('an operator logs a call; the dispatcher sees it in the manual queue without reload and dispatches it', async (t) => {
  const phone = '13912345678';
  // An earlier ticket of the same caller, shown as history while the operator types.
  const op = await app.login('op');
  const earlier = await app.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { phone, name: '陈女士' }, type: 'consult', content: '咨询社保卡补办需要哪些材料', outcome: { kind: 'direct_answer', answer: '携带身份证到社保服务窗口办理' } },
  });
  t.is(earlier.status, 201);

  const dispCtx = await newContext(browser);
  const opCtx = await newContext(browser);
  try {
    const disp = await dispCtx.newPage();
    await login(app, disp, 'disp');
    await disp.waitForURL(/\/queue$/);
    await disp.getByText('人工派单队列').waitFor();
    await shot(disp, '01-dispatcher-queue-empty');

    const operator = await opCtx.newPage();
    await login(app, operator, 'op');
    await operator.waitForURL(/\/call$/);
    // Keyboard-first: the phone field has the focus (once the lazily loaded page is there).
    await operator.locator('#call-phone:focus').waitFor();
    await operator.keyboard.type(phone);
    await operator.locator('[data-testid="caller-history"]').getByText('咨询社保卡补办').waitFor();
    await operator.keyboard.press('Tab');
    await operator.keyboard.type('陈女士');
    await operator.locator('#call-type').focus();
    await operator.keyboard.type('投诉');
    await operator.keyboard.press('Enter');
    await operator.locator('#call-address').fill('东湖区湖滨路18号');
    await operator.locator('#call-content').fill('湖滨路18号小区门口路灯连续一周不亮，夜间出行不安全，希望尽快维修。');

    // The unsaved call survives a reload.
    await operator.reload();
    await operator.locator('[data-testid="live-status"][data-connected="yes"]').waitFor();
    t.is(await operator.locator('#call-phone').inputValue(), phone);
    t.regex(await operator.locator('#call-content').inputValue(), /路灯连续一周不亮/);
    await shot(operator, '02-operator-call-form');

    const sentAt = Date.now();
    await operator.locator('#call-content').focus();
    await operator.keyboard.press('Control+Enter');
    await operator.getByText(/已受理，工单编号/).waitFor();
    t.is(await operator.locator('#call-phone').inputValue(), '', 'the form is cleared for the next call');

    // The routing worker parks it in `manual`; the dispatcher's queue shows it live.
    const row = disp.locator('[data-testid="queue-table"] tr', { hasText: '路灯连续一周不亮' });
    await row.waitFor({ timeout: 10_000 });
    const seenMs = Date.now() - sentAt;
    t.log(`ticket visible in the manual queue ${seenMs} ms after submit`);
    t.true(seenMs < 5000, `appeared after ${seenMs} ms`);
    await shot(disp, '03-dispatcher-queue-live');

    await row.getByRole('button', { name: /派\s*单/ }).click();
    const dialog = disp.getByRole('dialog');
    await dialog.waitFor();
    await disp.waitForFunction("!document.querySelector('.ant-zoom-appear, .ant-zoom-enter')"); // the modal has finished opening
    // Why the router could not decide, in its words.
    await dialog.locator('[data-testid="park-reasons"]').getByText('无匹配的派单规则且属地不明，转人工派单').waitFor();
    await dialog.locator('input').first().fill('东湖区');
    await disp.keyboard.press('Enter');
    await shot(disp, '04-dispatch-dialog');
    await dialog.getByRole('button', { name: /派\s*单/ }).click();
    await disp.getByText(/已派单：/).waitFor();
    await row.waitFor({ state: 'detached' });

    const list = await app.api('GET', `/api/v1/tickets?phone=${phone}&status=dispatched`, { token: op });
    t.is(list.body.items.length, 1);
    t.is(list.body.items[0].lead.unitId, 'dist-a');
  } finally {
    await dispCtx.close();
    await opCtx.close();
  }
});

test.serial('a ticket the router could not settle shows its suggestion and reasons; the suggested units are preselected', async (t) => {
  // Two rules that claim the same matter for different units: the router suggests one and leaves the choice to a dispatcher.
  const admin = await app.login('admin');
  for (const [id, unitId] of [['bikes-zjj', 'dept-zjj'], ['bikes-b', 'dist-b']] as const) {
    const res = await app.api('PUT', `/api/v1/admin/rules/${id}`, { token: admin, body: { name: `共享单车停放（${id}）`, keywords: ['共享单车'], target: { kind: 'unit', unitId }, coUnitIds: ['st-a1'] } });
    t.is(res.status, 200, JSON.stringify(res.body));
  }
  const op = await app.login('op');
  const created = await app.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { phone: '13800009999', name: '孙先生' }, type: 'complaint', content: '小区门口共享单车乱停乱放，堵住了消防通道' },
  });
  const parked = await eventually(async () => {
    const r = await app.api('GET', `/api/v1/tickets/${created.body.ticket.id}`, { token: op });
    return r.body.ticket.status === 'manual' ? r.body.ticket : null;
  });
  const suggestion = parked.routing.suggestion as { unitId: string; unitName: string };
  t.true(['dept-zjj', 'dist-b'].includes(suggestion.unitId));
  t.true(parked.routing.explanation.some((line: string) => /分歧/.test(line)), 'the disagreement is the reason given');
  t.deepEqual(parked.routing.coUnits.map((c: { unitId: string }) => c.unitId), ['st-a1']);

  const ctx = await newContext(browser);
  try {
    const disp = await ctx.newPage();
    await login(app, disp, 'disp');
    const row = disp.locator('[data-testid="queue-table"] tr', { hasText: '共享单车乱停乱放' });
    await row.waitFor();
    await row.getByText(suggestion.unitName).waitFor();
    t.regex(await row.innerText(), /置信度 \d+%/);
    await shot(disp, '03b-dispatcher-queue-suggestion');
    await row.getByRole('button', { name: /派\s*单/ }).click();
    const dialog = disp.getByRole('dialog');
    await dialog.locator('[data-testid="park-reasons"]').getByText(/与之分歧/).waitFor();
    await dialog.locator('.ant-select-content, .ant-select-selection-item').getByText(suggestion.unitName).waitFor();
    await dialog.locator('[data-testid="dispatch-co-units"]').getByText('东湖区湖滨街道办事处').waitFor();
    await shot(disp, '04b-dispatch-dialog-suggestion');
    await dialog.getByRole('button', { name: /派\s*单/ }).click();
    await disp.getByText(/已派单：/).waitFor();
    const after = await app.api('GET', `/api/v1/tickets/${parked.id}`, { token: op });
    t.is(after.body.ticket.lead.unitId, suggestion.unitId, 'dispatched to the preselected suggestion');
    t.deepEqual(after.body.ticket.coUnits.map((c: { unitId: string }) => c.unitId), ['st-a1'], 'with its co-handling unit');
  } finally {
    await ctx.close();
  }
});

test.serial('a unit handler cannot open another unit’s ticket; its own unit can, with the caller masked', async (t) => {
  const [op, disp] = await Promise.all([app.login('op'), app.login('disp')]);
  const created = await app.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { phone: '13700007777', name: '刘先生' }, type: 'complaint', content: '东湖区某工地夜间施工噪音扰民', address: '东湖区建设路' },
  });
  const ticket = created.body.ticket;
  const v = await eventually(async () => {
    const r = await app.api('GET', `/api/v1/tickets/${ticket.id}`, { token: disp });
    return r.body.ticket.status === 'manual' ? r.body.ticket.version : null;
  });
  const d = await app.api('POST', `/api/v1/tickets/${ticket.id}/actions/dispatch`, { token: disp, body: { version: v, leadUnitId: 'dist-a' } });
  t.is(d.status, 200);

  const otherCtx = await newContext(browser);
  const ownCtx = await newContext(browser);
  try {
    const other = await otherCtx.newPage();
    await login(app, other, 'h-b');
    await other.waitForURL(/\/inbox$/);
    await other.goto(`${app.url}/tickets`);
    await other.locator('[data-testid="ticket-table"]').waitFor();
    t.is(await other.locator('[data-testid="ticket-table"] tr', { hasText: '夜间施工噪音' }).count(), 0, 'not in 西城区 list');
    await other.goto(`${app.url}/tickets/${ticket.id}`);
    await other.getByText('无权查看该工单').waitFor();
    t.is(await other.getByText('夜间施工噪音').count(), 0);
    await shot(other, '05-handler-forbidden');

    const own = await ownCtx.newPage();
    await login(app, own, 'h-a');
    await own.goto(`${app.url}/tickets/${ticket.id}`);
    await own.locator('[data-testid="ticket-detail"]').getByText('东湖区某工地夜间施工噪音扰民').waitFor();
    const text = await own.locator('[data-testid="ticket-detail"]').innerText();
    t.false(text.includes('13700007777'), 'the unit sees a masked phone');
    t.true(text.includes('137****7777'));
    await shot(own, '06-handler-ticket-detail');

    // The English switch (kept across reloads); Chinese stays the default elsewhere.
    await own.getByRole('button', { name: 'English' }).click();
    await own.getByText('History').waitFor();
    await own.reload();
    await own.getByText('History').waitFor();
    await shot(own, '07-handler-ticket-detail-english');
  } finally {
    await otherCtx.close();
    await ownCtx.close();
  }
});

test.serial('a unit handler sees a dispatched ticket in the inbox, accepts it and replies', async (t) => {
  const [op, disp] = await Promise.all([app.login('op'), app.login('disp')]);
  const created = await app.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { phone: '13600005555', name: '王先生' }, type: 'complaint', content: '东湖区湖光路井盖破损，行人易绊倒', address: '东湖区湖光路' },
  });
  const ticket = created.body.ticket;
  const v = await eventually(async () => {
    const r = await app.api('GET', `/api/v1/tickets/${ticket.id}`, { token: disp });
    return r.body.ticket.status === 'manual' ? r.body.ticket.version : null;
  });

  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await login(app, page, 'h-a');
    await page.waitForURL(/\/inbox$/);
    await page.locator('[data-testid="inbox-table"]').waitFor();

    // Dispatched while the handler looks at the inbox: it appears live in 新派单.
    const d = await app.api('POST', `/api/v1/tickets/${ticket.id}/actions/dispatch`, { token: disp, body: { version: v, leadUnitId: 'dist-a' } });
    t.is(d.status, 200);
    const row = page.locator('[data-testid="inbox-table"] tr', { hasText: '湖光路井盖破损' });
    await row.waitFor();
    const left = await row.locator('[data-testid="time-left"]').innerText();
    t.regex(left, /签收[\s\S]*(剩余|已超期)/, 'the row shows the time left to the accept deadline');
    await page.waitForTimeout(600); // the tab badges' count animation
    await shot(page, '08-handler-inbox');

    await row.click();
    await page.waitForURL(new RegExp(`/tickets/${ticket.id}$`));
    const detail = page.locator('[data-testid="ticket-detail"]');
    await detail.locator('[data-status="dispatched"]').waitFor();
    await page.locator('[data-testid="act-accept"]').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    await detail.locator('[data-status="accepted"]').waitFor();
    await shot(page, '09-handler-accepted');

    await page.locator('[data-testid="act-reply"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.waitForFunction("!document.querySelector('.ant-zoom-appear, .ant-zoom-enter')");
    // Nothing filled in: the form says what is missing and sends nothing.
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await dialog.getByText('必填').first().waitFor();
    await dialog.getByText('已解决').click();
    await dialog.locator('#act-reply-text').fill('已安排养护班组更换井盖，现场已恢复通行。');
    await dialog.locator('.ant-form-item-explain-error').first().waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    await shot(page, '10-handler-reply-form');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await detail.locator('[data-status="replied"]').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    t.true((await detail.locator('[data-status="replied"]').innerText()).includes('已答复待审核'));
    await page.locator('[data-testid="ticket-timeline"]').getByText('已安排养护班组更换井盖').waitFor();
    await shot(page, '11-handler-replied');

    const after = await app.api('GET', `/api/v1/tickets/${ticket.id}`, { token: disp });
    t.is(after.body.ticket.status, 'replied');
    t.is(after.body.ticket.reply.result, 'resolved');

    // Back in the inbox the replied ticket has left 新派单 and 办理中.
    await page.goto(`${app.url}/inbox`);
    await page.locator('[data-testid="inbox-table"]').waitFor();
    await page.locator('[data-testid="inbox-tab-doing"]').click();
    await page.waitForTimeout(300);
    t.is(await page.locator('[data-testid="inbox-table"] tr', { hasText: '湖光路井盖破损' }).count(), 0);
  } finally {
    await ctx.close();
  }
});

test.serial('the inbox row turns amber at the warning instant and red at the deadline, on the client clock alone', async (t) => {
  const handler = await app.login('h-a');
  const list = await app.api('GET', '/api/v1/tickets?status=dispatched&limit=50', { token: handler });
  const ticket = list.body.items.find((x: { content: string }) => x.content.includes('夜间施工噪音'));
  t.truthy(ticket, 'the ticket dispatched in the earlier test');
  const accept = ticket.deadlines.accept as { dueAt: string; warningAt: string };

  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await page.clock.install();
    await login(app, page, 'h-a');
    await page.waitForURL(/\/inbox$/);
    const row = page.locator('[data-testid="inbox-table"] tr', { hasText: '夜间施工噪音' });
    const left = row.locator('[data-testid="time-left"]');
    t.is(await left.getAttribute('data-tone'), 'ok');

    const now = await page.evaluate(() => Date.now());
    await page.clock.fastForward(Date.parse(accept.warningAt) - now + 1000);
    await page.waitForSelector('[data-testid="inbox-table"] tr.row-warning');
    t.is(await left.getAttribute('data-tone'), 'warning');
    await page.locator('[data-testid="inbox-tab-soon"]').click();
    await row.waitFor();
    await page.waitForTimeout(600);
    await shot(page, '12-handler-inbox-due-soon');

    const now2 = await page.evaluate(() => Date.now());
    await page.clock.fastForward(Date.parse(accept.dueAt) - now2 + 1000);
    await page.locator('[data-testid="inbox-tab-overdue"]').click();
    await row.waitFor();
    t.is(await left.getAttribute('data-tone'), 'overdue');
    t.regex(await left.innerText(), /已超期/);
    await page.waitForTimeout(600);
    await shot(page, '13-handler-inbox-overdue');
  } finally {
    await ctx.close();
  }
});
