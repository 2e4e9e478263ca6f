import test from 'ava';
import { Queue } from 'bullmq';
import { Types } from 'mongoose';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Ticket } from '../../server/data/models/index.ts';
import { reconcileRouting } from '../../server/queue/reconcile.ts';
import { routingJobId } from '../../server/queue/queues.ts';

let app: TestApp;
let queue: Queue;
test.before(async () => {
  app = await startTestApp();
  queue = new Queue('reconcile-probe', { connection: { url: app.env.REDIS_URL! }, prefix: app.env.REDIS_PREFIX! });
});
test.after.always(async () => {
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await app?.stop();
});

/** A ticket waiting for routing with no job, created `agoMs` ago (its _id says when, as intake's does). */
async function waiting(agoMs: number): Promise<string> {
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { phone: '13900007777' }, type: 'help', content: '小区路灯不亮' },
  });
  const t = (await Ticket.findById(res.body.ticket.id).lean())!;
  const at = new Date(Date.now() - agoMs);
  const _id = Types.ObjectId.createFromTime(Math.floor(at.getTime() / 1000));
  await Ticket.collection.insertOne({ ...t, _id, number: `${t.number}-${agoMs}`, intakeKey: `${t.intakeKey}-${agoMs}`, createdAt: at } as never);
  await Ticket.deleteOne({ _id: t._id });
  return _id.toHexString();
}

test('the routing reconcile enqueues tickets without a job; `since` looks only at those created from then on', async (t) => {
  const old = await waiting(3 * 3600_000);
  const recent = await waiting(60_000);
  const windowed = await reconcileRouting(queue, { since: new Date(Date.now() - 3600_000) });
  t.true(!!(await queue.getJob(routingJobId(recent))), 'the recent ticket got its job');
  t.false(!!(await queue.getJob(routingJobId(old))), 'the old one is outside the window');
  t.true(windowed.enqueued >= 1);
  const full = await reconcileRouting(queue);
  t.true(!!(await queue.getJob(routingJobId(old))), 'a run without `since` looks at every ticket');
  t.true(full.enqueued >= 1, 'the old ticket was enqueued by the full run');
  const again = await reconcileRouting(queue);
  t.is(again.enqueued, 0, 'a ticket with a job is never added twice');
});
