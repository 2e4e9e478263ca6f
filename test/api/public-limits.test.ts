import test from 'ava';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Ticket } from '../../server/data/models/index.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp({ env: { PUBLIC_RATE_PER_HOUR: '3' } });
});
test.after.always(async () => app?.stop());

test('web messages are rate-limited per client: the 4th in an hour gets 429 and is not stored', async (t) => {
  const send = (i: number) => app.api('POST', '/api/v1/public/messages', { body: { phone: '13700000000', content: `第${i}条留言：小区门口路灯不亮` } });
  for (let i = 1; i <= 3; i++) t.is((await send(i)).status, 201);
  const limited = await send(4);
  t.is(limited.status, 429);
  t.is(limited.body.error.code, 'rate_limited');
  t.truthy(limited.headers.get('retry-after'));
  t.is(await Ticket.countDocuments({ content: { $regex: '^第4条' } }), 0);
});
