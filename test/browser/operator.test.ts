/**
 * The operator's side of the console in a real browser (Debian's chromium,
 * headless, playwright-core) against a real server and workers: knowledge-base
 * answers while a consultation is typed, duplicate candidates and 并单, the
 * callback list, and the admin's knowledge-base screen. Screenshots go to
 * test-results/op-*.png (look at them).
 */
import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, login, newContext, shot } from '../helpers/browser.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/harness.ts';
import { insertEntries } from '../../server/services/knowledge.ts';
import { DEMO_KNOWLEDGE } from '../../scripts/seed/knowledge.ts';


let app: TestApp;
let browser: Browser;

test.before(async () => {
  app = await startTestApp({ workers: true });
  await insertEntries(DEMO_KNOWLEDGE, null);
  browser = await launchBrowser();
});

test.after.always(async () => {
  await browser?.close();
  await app?.stop();
});




const modalOpened = (page: Page) => page.waitForFunction("!document.querySelector('.ant-zoom-appear, .ant-zoom-enter')");

/** A ticket through dispatch, accept, reply and an approved review: it waits for the callback. */
async function toCallback(phone: string, content: string, replyText: string): Promise<{ id: string; number: string }> {
  const [op, disp, handler] = await Promise.all([app.login('op'), app.login('disp'), app.login('h-a')]);
  const created = (await app.api('POST', '/api/v1/tickets', { token: op, body: { caller: { phone, name: '赵女士' }, type: 'help', content, address: '东湖区湖滨路' } })).body.ticket;
  const read = async () => (await app.api('GET', `/api/v1/tickets/${created.id}`, { token: disp })).body.ticket;
  const act = async (token: string, action: string, body: Record<string, unknown> = {}) => {
    const r = await app.api('POST', `/api/v1/tickets/${created.id}/actions/${action}`, { token, body: { version: (await read()).version, ...body } });
    if (r.status !== 200) throw new Error(`${action}: ${JSON.stringify(r.body)}`);
  };
  const routed = await eventually(async () => ((await read()).status !== 'new' ? read() : null));
  if (routed.status === 'manual') await act(disp, 'dispatch', { leadUnitId: 'dist-a' });
  else await act(disp, 'redispatch', { leadUnitId: 'dist-a', reason: '属地处理' });
  await act(handler, 'accept');
  await act(handler, 'reply', { result: 'resolved', text: replyText });
  await act(disp, 'review', { approve: true });
  return created;
}

test.serial('an operator types a consultation, the knowledge base offers the answer, one click fills the direct answer', async (t) => {
  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await login(app, page, 'op');
    await page.waitForURL(/\/call$/);
    await page.locator('#call-phone:focus').waitFor(); // the page is loaded on first visit
    await page.keyboard.type('13811112222');
    await page.locator('#call-name').fill('林先生');
    await page.locator('#call-content').click();
    await page.keyboard.type('我的社保卡昨天丢了，想问一下去哪里挂失补办，要带什么');

    const hit = page.locator('[data-testid="kb-hit"]').first();
    await hit.getByText('社保卡丢失了怎么挂失和补办？').waitFor();
    t.regex(await hit.innerText(), /匹配：.*社保卡/);
    t.regex(await hit.innerText(), /市人社局/);
    await shot(page, 'op-01-call-knowledge');

    await hit.locator('[data-testid="kb-use"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await modalOpened(page);
    t.regex(await dialog.locator('textarea').inputValue(), /先挂失.*市民中心/s, 'the answer is filled in, still editable');
    await shot(page, 'op-02-call-direct-answer');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByText(/已受理，工单编号/).waitFor();

    const list = await app.api('GET', '/api/v1/tickets?phone=13811112222', { token: await app.login('op') });
    t.is(list.body.items.length, 1);
    t.is(list.body.items[0].status, 'closed');
    t.is(list.body.items[0].closure.reason, 'direct_answer');
    t.regex(list.body.items[0].closure.answer, /社保卡合作银行网点/);
  } finally {
    await ctx.close();
  }
});

test.serial('a known caller’s open ticket shows as a duplicate candidate; 并入 records the call merged into it', async (t) => {
  const phone = '13822223333';
  const op = await app.login('op');
  const open = (await app.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { phone, name: '何女士' }, type: 'complaint', content: '东湖区柳岸小区3栋电梯困人后一直停运，老人上下楼困难', address: '东湖区柳岸小区' },
  })).body.ticket;
  await eventually(async () => ((await app.api('GET', `/api/v1/tickets/${open.id}`, { token: op })).body.ticket.status !== 'new' ? true : null));

  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await login(app, page, 'op');
    await page.waitForURL(/\/call$/);
    await page.locator('#call-phone:focus').waitFor(); // the page is loaded on first visit
    await page.keyboard.type(phone);
    const candidate = page.locator('[data-testid="dup-hit"]', { hasText: open.number });
    await candidate.waitFor();
    t.regex(await candidate.innerText(), /同一来电人/);
    await page.locator('#call-type').focus();
    await page.keyboard.type('投诉');
    await page.keyboard.press('Enter');
    await page.locator('#call-content').click();
    await page.keyboard.type('柳岸小区3栋电梯还是停运，物业说在等配件，希望尽快修好');
    await page.waitForTimeout(700); // the candidates re-read with the text
    await candidate.waitFor();
    await shot(page, 'op-03-call-duplicate');

    await candidate.locator(`[data-testid="merge-${open.number}"]`).click();
    const confirm = page.locator('.ant-modal-confirm');
    await confirm.waitFor();
    await modalOpened(page);
    t.regex(await confirm.innerText(), new RegExp(`与工单 ${open.number} 属同一诉求`));
    await confirm.locator('textarea').fill('同一部电梯停运');
    await shot(page, 'op-04-call-merge-confirm');
    await confirm.getByRole('button', { name: /并\s*入/ }).click();
    await page.getByText(new RegExp(`已并单：.*已并入 ${open.number}`)).waitFor();
    t.is(await page.locator('#call-phone').inputValue(), '', 'the form is cleared for the next call');

    const mine = await app.api('GET', `/api/v1/tickets?phone=${phone}&status=merged`, { token: op });
    t.is(mine.body.items.length, 1);
    t.is(String(mine.body.items[0].mergedInto), open.id);
  } finally {
    await ctx.close();
  }
});

test.serial('the callback list is live; entering 满意 / 已解决 closes the ticket', async (t) => {
  const first = await toCallback('13833334444', '湖滨路18号门口下水道堵塞，污水漫到人行道上', '已安排市政养护疏通下水道，现场已清理干净。');

  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await login(app, page, 'op');
    await page.locator('.app-header .nav a', { hasText: '回访' }).click();
    await page.waitForURL(/\/callbacks$/);
    const row = page.locator('[data-testid="callback-table"] tr', { hasText: first.number });
    await row.waitFor();
    t.regex(await row.innerText(), /已解决[\s\S]*已安排市政养护疏通下水道/);
    t.regex(await row.innerText(), /13833334444/, 'the operator sees the number to call');

    // Approved while the list is open: it appears without a reload.
    const second = await toCallback('13844445555', '湖光路公交站台顶棚破损漏雨', '已更换站台顶棚，恢复正常使用。');
    await page.locator('[data-testid="callback-table"] tr', { hasText: second.number }).waitFor();
    await shot(page, 'op-05-callback-list');

    await row.locator(`[data-testid="callback-${first.number}"]`).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await modalOpened(page);
    await dialog.getByText('满意', { exact: true }).click();
    await dialog.locator('textarea').fill('市民表示下水道已通，感谢及时处理。');
    await shot(page, 'op-06-callback-form');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await page.getByText(`已回访并办结：${first.number}`).waitFor();
    await row.waitFor({ state: 'detached' });

    const after = (await app.api('GET', `/api/v1/tickets/${first.id}`, { token: await app.login('op') })).body.ticket;
    t.is(after.status, 'closed');
    t.is(after.callback.satisfaction, 'satisfied');
    t.true(after.callback.resolved);
    t.is(after.callback.note, '市民表示下水道已通，感谢及时处理。');

    // 不满意 through the unit's fault: back to the unit for a redo.
    const row2 = page.locator('[data-testid="callback-table"] tr', { hasText: second.number });
    await row2.locator(`[data-testid="callback-${second.number}"]`).click();
    await dialog.waitFor();
    await modalOpened(page);
    await dialog.getByText('不满意', { exact: true }).click();
    await dialog.getByText('未解决', { exact: true }).click();
    await dialog.locator('[data-testid="callback-unit-fault"]').click();
    await shot(page, 'op-07-callback-redo');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await page.getByText(`已回访，退回重办：${second.number}`).waitFor();
    await row2.waitFor({ state: 'detached' });
    const redo = (await app.api('GET', `/api/v1/tickets/${second.id}`, { token: await app.login('op') })).body.ticket;
    t.is(redo.status, 'dispatched');
    t.is(redo.redoCount, 1);
  } finally {
    await ctx.close();
  }
});

test.serial('an admin edits the knowledge base; the operators’ search follows', async (t) => {
  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await login(app, page, 'admin');
    await page.locator('.app-header .nav a', { hasText: '知识库' }).click();
    await page.waitForURL(/\/knowledge$/);
    await page.locator('[data-testid="kb-table"]').getByText('社保卡丢失了怎么挂失和补办？').waitFor();
    await shot(page, 'op-08-knowledge-admin', false);
    await page.getByPlaceholder('筛选问题、关键词或答复').fill('公积金');
    await page.waitForTimeout(200);
    t.is(await page.locator('[data-testid="kb-table"] tbody tr').count(), 4, 'the three 公积金 entries and 居住证 (its answer names 公积金)');
    await page.getByPlaceholder('筛选问题、关键词或答复').fill('');

    await page.locator('[data-testid="kb-new"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await modalOpened(page);
    await dialog.locator('#kb-title').fill('电动自行车怎么上牌？');
    await dialog.locator('#kb-keywords').click();
    for (const k of ['电动车上牌', '电瓶车', '上牌']) {
      await page.keyboard.type(k);
      await page.keyboard.press('Enter');
    }
    await dialog.locator('#kb-answer').fill('符合新国标的电动自行车，车主本人携带身份证、购车发票和产品合格证，到就近的交警车管服务站或指定销售网点办理登记，当场发放号牌，不收取费用。');
    await dialog.locator('#kb-source').fill('市交警支队');
    await shot(page, 'op-09-knowledge-edit');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存').waitFor();
    await page.locator('[data-testid="kb-table"]').getByText('电动自行车怎么上牌？').waitFor();

    await page.locator('[data-testid="kb-trial"] input').fill('我买了辆电瓶车，去哪里上牌');
    await page.locator('[data-testid="kb-trial"] input').press('Enter');
    await page.getByText(/1\. 电动自行车怎么上牌？/).waitFor();
    await shot(page, 'op-10-knowledge-trial', false);

    const r = await app.api('GET', `/api/v1/knowledge/search?q=${encodeURIComponent('电瓶车上牌')}`, { token: await app.login('op') });
    t.is(r.body.items[0]?.title, '电动自行车怎么上牌？');
  } finally {
    await ctx.close();
  }
});
