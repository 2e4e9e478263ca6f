/**
 * The manager's side of the console in a real browser (playwright-core,
 * Debian's chromium): the live board, overdue supervision, extension
 * approval, the on-time rate charts, notices, and a unit handler refused.
 * Screenshots: test-results/mgr-*.png (look at them).
 */
import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, login, newContext, shot } from '../helpers/browser.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/harness.ts';
import { DEFAULT_TIME_LIMIT_RULES } from '../../server/domain/time-limits.ts';


let app: TestApp;
let browser: Browser;

test.before(async () => {
  app = await startTestApp({ workers: true });
  browser = await launchBrowser();
  // 特急 tickets get a 2-second accept limit: deadlines really pass during the test and the timers really fire.
  const admin = await app.login('admin');
  const current = await app.api('GET', '/api/v1/time-limits/policies', { token: admin });
  const rules = DEFAULT_TIME_LIMIT_RULES.map((r) =>
    r.urgency === 'critical' && r.type === '*' ? { ...r, committed: { ...r.committed, accept: { unit: 'clockHours' as const, amount: 2 / 3600 } } } : r,
  );
  const put = await app.api('PUT', '/api/v1/time-limits/policies', { token: admin, body: { version: current.body.policy.version, rules, settings: current.body.policy.settings } });
  if (put.status !== 200) throw new Error(JSON.stringify(put.body));
});

test.after.always(async () => {
  await browser?.close();
  await app?.stop();
});




interface T {
  id: string;
  number: string;
  version: number;
  status: string;
}

async function ticket(content: string, opts: { urgency?: string; phone?: string } = {}): Promise<T> {
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { name: '吴女士', phone: opts.phone ?? '13800001111' }, type: 'complaint', urgency: opts.urgency ?? 'normal', content },
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.ticket;
}
/** An action on the ticket as it is now (timers with short limits change it meanwhile). */
async function act(user: string, t: T, action: string, body: Record<string, unknown> = {}): Promise<T> {
  const token = await app.login(user);
  for (let attempt = 0; ; attempt++) {
    const now = (await app.api('GET', `/api/v1/tickets/${t.id}`, { token })).body.ticket as T;
    const res = await app.api('POST', `/api/v1/tickets/${t.id}/actions/${action}`, { token, body: { version: now.version, ...body } });
    if (res.status === 200) return res.body.ticket;
    if (res.body?.error?.code !== 'version_conflict' || attempt > 5) throw new Error(`${action} by ${user}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}
/** Wait for the routing worker to park a ticket for manual dispatch, then dispatch it. */
async function dispatched(content: string, unit: string, opts: { urgency?: string } = {}): Promise<T> {
  const t = await ticket(content, opts);
  const disp = await app.login('disp');
  const parked = await eventually(async () => {
    const r = await app.api('GET', `/api/v1/tickets/${t.id}`, { token: disp });
    return r.body.ticket.status === 'manual' ? (r.body.ticket as T) : null;
  });
  return act('disp', parked, 'dispatch', { leadUnitId: unit });
}
const stage = (page: Page, status: string) => page.locator(`[data-testid="stage-${status}"]`);
async function count(page: Page, status: string): Promise<number> {
  return Number(await stage(page, status).innerText());
}
async function waitCount(page: Page, status: string, expected: number): Promise<number> {
  const started = Date.now();
  await page.waitForFunction(`document.querySelector('[data-testid="stage-${status}"]')?.textContent === '${expected}'`);
  return Date.now() - started;
}

test.serial('the manager board follows tickets logged, dispatched and accepted in other browsers, live', async (t) => {
  // Some history for the board and the rates: one 特急 ticket accepted after its 2-second limit.
  const fast = await dispatched('住建局：工地塔吊夜间作业摇晃', 'dept-zjj', { urgency: 'critical' });
  const slow = await dispatched('东湖区：湖滨路燃气管道异味', 'dist-a', { urgency: 'critical' });
  const late = await dispatched('东湖区：湖光路窨井盖缺失', 'dist-a', { urgency: 'critical' });
  await act('h-zjj', fast, 'accept');
  await act('h-a', slow, 'accept');
  await new Promise((r) => setTimeout(r, 2500));
  await act('h-a', late, 'accept');

  const mgrCtx = await newContext(browser);
  const opCtx = await newContext(browser);
  const hCtx = await newContext(browser);
  try {
    const mgr = await mgrCtx.newPage();
    await login(app, mgr, 'mgr');
    await mgr.waitForURL(/\/board$/);
    await mgr.locator('[data-testid="manager-board"]').waitFor();
    const manual0 = await count(mgr, 'manual');
    const dispatched0 = await count(mgr, 'dispatched');
    const accepted0 = await count(mgr, 'accepted');
    t.is(accepted0, 3);
    await shot(mgr, 'mgr-01-board');

    // An operator logs a call in another browser: the routing worker parks it, the board counts it.
    const op = await opCtx.newPage();
    await login(app, op, 'op');
    await op.waitForURL(/\/call$/);
    await op.keyboard.type('13655557777');
    await op.locator('#call-type').focus();
    await op.keyboard.type('投诉');
    await op.keyboard.press('Enter');
    await op.locator('#call-content').fill('东湖区湖滨街道和平里小区垃圾清运不及时，楼下垃圾堆了三天。');
    await op.locator('#call-content').focus();
    const loggedAt = Date.now();
    await op.keyboard.press('Control+Enter');
    await op.getByText(/已受理，工单编号/).waitFor();
    await waitCount(mgr, 'manual', manual0 + 1);
    t.log(`board counted the new ticket ${Date.now() - loggedAt} ms after the operator submitted it`);

    // Dispatched to 湖滨街道 (as the dispatcher would), accepted by its handler in a third browser.
    const disp = await app.login('disp');
    const parked = (await app.api('GET', '/api/v1/tickets?status=manual&phone=13655557777', { token: disp })).body.items[0] as T;
    await act('disp', parked, 'dispatch', { leadUnitId: 'st-a1' });
    t.log(`board showed the dispatch after ${await waitCount(mgr, 'dispatched', dispatched0 + 1)} ms`);
    t.is(await count(mgr, 'manual'), manual0);
    const unitRow = mgr.locator('[data-testid="board-units"] tr', { hasText: '东湖区湖滨街道办事处' });
    await unitRow.waitFor();

    const h = await hCtx.newPage();
    await login(app, h, 'h-a1');
    await h.waitForURL(/\/inbox$/);
    await h.locator('[data-testid="inbox-table"] tr', { hasText: '垃圾清运不及时' }).click();
    await h.locator('[data-testid="act-accept"]').click();
    const acceptedAt = Date.now();
    await h.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    await waitCount(mgr, 'accepted', accepted0 + 1);
    t.log(`board showed the acceptance ${Date.now() - acceptedAt} ms after the click`);
    t.is(await count(mgr, 'dispatched'), dispatched0);
    await shot(mgr, 'mgr-02-board-live');

    // On-time rates: 住建局 accepted in time, 东湖区 one of two late.
    await mgr.getByRole('link', { name: '按时率' }).click();
    await mgr.locator('[data-testid="rates-chart"] canvas').waitFor();
    const rows = await mgr.locator('[data-testid="rates-table"] tbody tr').allInnerTexts();
    t.true(rows.some((r) => r.includes('东湖区人民政府') && r.includes('50%') && r.includes('1 / 2')), rows.join('\n'));
    t.true(rows.some((r) => r.includes('市住房和城乡建设局') && r.includes('100%')), rows.join('\n'));
    await shot(mgr, 'mgr-03-rates');
  } finally {
    await Promise.all([mgrCtx.close(), opCtx.close(), hCtx.close()]);
  }
});

test.serial('escalation notices and 督办: the handler is told at once; the manager supervises from the overdue list', async (t) => {
  const mgrCtx = await newContext(browser);
  const hCtx = await newContext(browser);
  try {
    const h = await hCtx.newPage();
    await login(app, h, 'h-a1');
    await h.waitForURL(/\/inbox$/);
    const mgr = await mgrCtx.newPage();
    await login(app, mgr, 'mgr');
    await mgr.goto(`${app.url}/overdue`);
    await mgr.locator('[data-testid="overdue-table"]').waitFor();

    // A 特急 ticket for the street: its 2-second accept limit passes, the timers fire, the unit is told at once.
    const tk = await dispatched('湖滨街道：幸福路燃气表箱漏气', 'st-a1', { urgency: 'critical' });
    await h.locator('.ant-notification-notice', { hasText: '时限预警' }).waitFor();
    await h.locator('.ant-notification-notice', { hasText: '工单超期' }).waitFor();
    await shot(h, 'mgr-04-handler-overdue-toast');

    const row = mgr.locator('[data-testid="overdue-table"] tr', { hasText: '幸福路燃气表箱漏气' });
    await row.waitFor();
    t.regex(await row.innerText(), /湖滨街道办事处[\s\S]*签收[\s\S]*超期/);
    await shot(mgr, 'mgr-05-overdue-list');
    await row.getByRole('button', { name: /督\s*办/ }).click();
    const dialog = mgr.getByRole('dialog');
    await dialog.waitFor();
    await mgr.waitForFunction("!document.querySelector('.ant-zoom-appear, .ant-zoom-enter')");
    await dialog.getByRole('button', { name: /督\s*办/ }).click();
    await dialog.getByText('必填').waitFor();
    await dialog.locator('#supervise-note').fill('已超签收时限，请今日内签收并联系市民，办理结果报热线中心。');
    await shot(mgr, 'mgr-06-supervise-dialog');
    await dialog.getByRole('button', { name: /督\s*办/ }).click();
    await mgr.getByText(`已督办：${tk.number}`).waitFor();

    // The handler: a notice and an unread badge; the ticket's record shows the order.
    await h.locator('.ant-notification-notice', { hasText: `督办：工单 ${tk.number}` }).waitFor();
    await h.waitForSelector('[data-testid="notice-bell"]:not([data-unread="0"])');
    await h.locator('[data-testid="notice-bell"]').click();
    await h.locator('[data-testid="notice-list"]').getByText('请今日内签收并联系市民', { exact: false }).first().waitFor();
    await shot(h, 'mgr-07-handler-notices');
    await h.locator('[data-testid="notice-list"] .ant-list-item', { hasText: '督办' }).first().click();
    await h.waitForURL(new RegExp(`/tickets/${tk.id}$`));
    await h.locator('[data-testid="ticket-timeline"]').getByText('已超签收时限，请今日内签收').waitFor();
    t.regex(await h.locator('[data-testid="ticket-timeline"]').innerText(), /督办[\s\S]*赵主任/);
  } finally {
    await Promise.all([mgrCtx.close(), hCtx.close()]);
  }
});

test.serial('a manager approves an extension in the browser; the unit’s deadline moves', async (t) => {
  let tk = await dispatched('湖滨街道：老旧小区加装电梯意见不一', 'st-a1');
  tk = await act('h-a1', tk, 'accept');
  const req = await app.api('POST', `/api/v1/tickets/${tk.id}/extension`, {
    token: await app.login('h-a1'),
    body: { version: tk.version, workingDays: 5, reason: '需召开业主协商会，征求全体业主意见' },
  });
  t.is(req.status, 201);
  const dueBefore = req.body.ticket.deadlines.resolve.dueAt as string;

  const ctx = await newContext(browser);
  try {
    const mgr = await ctx.newPage();
    await login(app, mgr, 'mgr');
    await mgr.locator('[data-testid="stat-extensions"]').click();
    await mgr.waitForURL(/\/extensions$/);
    const row = mgr.locator('[data-testid="extensions-table"] tr', { hasText: '老旧小区加装电梯' });
    await row.waitFor();
    t.regex(await row.innerText(), /5 个工作日[\s\S]*需召开业主协商会[\s\S]*湖滨街道承办人/);
    await shot(mgr, 'mgr-08-extensions');
    await row.getByTestId(`approve-${tk.number}`).click();
    await mgr.locator('.ant-popconfirm').getByText('同意延期 5 个工作日？').waitFor();
    await mgr.locator('.ant-popconfirm').getByRole('button', { name: /^批\s*准$/ }).click();
    await mgr.getByText(`已批准延期：${tk.number}`).waitFor();
    await row.waitFor({ state: 'detached' });
    await shot(mgr, 'mgr-09-extension-approved');

    const after = await app.api('GET', `/api/v1/tickets/${tk.id}`, { token: await app.login('mgr') });
    t.is(after.body.ticket.history.at(-1).type, 'extension_approved');
    t.true(Date.parse(after.body.ticket.deadlines.resolve.dueAt) > Date.parse(dueBefore));
  } finally {
    await ctx.close();
  }
});

test.serial('a manager settles a dispatch dispute (仲裁) after two returns', async (t) => {
  let tk = await dispatched('东湖区与西城区交界处河道漂浮垃圾无人清理', 'dist-a');
  tk = await act('h-a', tk, 'request_return', { reason: '该河段属西城区管辖' });
  tk = await act('disp', tk, 'decide_return', { approve: true, reason: '同意退回' });
  tk = await act('disp', tk, 'redispatch', { leadUnitId: 'dist-b', reason: '改派西城区' });
  tk = await act('h-b', tk, 'request_return', { reason: '该河段属东湖区管辖' });
  tk = await act('disp', tk, 'decide_return', { approve: true, reason: '同意退回，提交仲裁' });
  t.is(tk.status, 'arbitration');

  const ctx = await newContext(browser);
  try {
    const mgr = await ctx.newPage();
    await login(app, mgr, 'mgr');
    await mgr.getByRole('link', { name: '派单仲裁' }).click();
    const row = mgr.locator('[data-testid="arbitration-table"] tr', { hasText: '河道漂浮垃圾' });
    await row.waitFor();
    t.regex(await row.innerText(), /2 次/);
    await row.getByRole('button', { name: /裁\s*决/ }).click();
    const dialog = mgr.getByRole('dialog');
    await dialog.waitFor();
    await mgr.waitForFunction("!document.querySelector('.ant-zoom-appear, .ant-zoom-enter')");
    await dialog.locator('input').first().fill('东湖区');
    await mgr.keyboard.press('Enter');
    await dialog.locator('textarea').fill('经核实该河段由东湖区负责日常保洁，由东湖区主办。');
    await shot(mgr, 'mgr-11-arbitration');
    await dialog.getByRole('button', { name: /裁\s*决/ }).click();
    await mgr.getByText(`已裁决：${tk.number}，由东湖区人民政府主办`).waitFor();
    await row.waitFor({ state: 'detached' });
    const after = await app.api('GET', `/api/v1/tickets/${tk.id}`, { token: await app.login('mgr') });
    t.is(after.body.ticket.status, 'dispatched');
    t.is(after.body.ticket.lead.unitId, 'dist-a');

    // The English switch reads naturally on the board too.
    await mgr.getByRole('link', { name: '管理看板' }).click();
    await mgr.locator('.ant-message-notice').waitFor({ state: 'detached' });
    await mgr.getByRole('button', { name: 'English' }).click();
    await mgr.getByText('Duty manager board').waitFor();
    await shot(mgr, 'mgr-12-board-english');
    await mgr.getByRole('button', { name: '中文' }).click();
  } finally {
    await ctx.close();
  }
});

test.serial('a unit handler cannot open the manager board: no menu entry, the page and the API refuse', async (t) => {
  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await login(app, page, 'h-a');
    await page.waitForURL(/\/inbox$/);
    t.is(await page.locator('.app-header .nav a', { hasText: '管理看板' }).count(), 0);
    await page.goto(`${app.url}/board`);
    await page.locator('[data-testid="board-forbidden"]').getByText('仅管理人员可以查看此页面').waitFor();
    t.is(await page.locator('[data-testid="manager-board"]').count(), 0);
    const status = await page.evaluate(async () => {
      const s = JSON.parse(localStorage.getItem('hotline.session') ?? '{}') as { token?: string };
      return (await fetch('/api/v1/board', { headers: { authorization: `Bearer ${s.token}` } })).status;
    });
    t.is(status, 403);
    await shot(page, 'mgr-10-handler-board-forbidden');
  } finally {
    await ctx.close();
  }
});
