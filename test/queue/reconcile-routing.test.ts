import test from 'ava';
import { Queue } from 'bullmq';
import { Types } from 'mongoose';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Ticket } from '../../server/data/models/index.ts';
import { reconcileRouting } from '../../server/queue/reconcile.ts';
import { routingJobId } from '../../server/queue/queues.ts';
import { ensureSchedulers } from '../../workers/main.ts';
import { maintenanceProcessor } from '../../workers/maintenance.ts';
import { setWorkerContext } from '../../workers/context.ts';
import { Redis } from 'ioredis';

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
  // An ObjectId of that second, unique in its other bytes.
  const _id = new Types.ObjectId(Types.ObjectId.createFromTime(Math.floor(at.getTime() / 1000)).toHexString().slice(0, 8) + new Types.ObjectId().toHexString().slice(8));
  await Ticket.collection.insertOne({ ...t, _id, number: `${t.number}-${_id.toHexString()}`, intakeKey: `${t.intakeKey}-${_id.toHexString()}`, createdAt: at } as never);
  await Ticket.deleteOne({ _id: t._id });
  return _id.toHexString();
}

test.serial('the routing reconcile enqueues tickets without a job; `since` looks only at those created from then on', async (t) => {
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

test.serial('a Redis flush takes the schedulers: they come back, and the next routing reconcile looks at every ticket', async (t) => {
  const maintenance = new Queue('maintenance-probe', { connection: { url: app.env.REDIS_URL! }, prefix: app.env.REDIS_PREFIX! });
  const routing = new Queue('routing-probe', { connection: { url: app.env.REDIS_URL! }, prefix: app.env.REDIS_PREFIX! });
  setWorkerContext({ routingQueue: routing, reconcileIntervalMs: 30_000 });
  const intervals = { RECONCILE_INTERVAL_SEC: 30, TIMER_RECONCILE_INTERVAL_SEC: 60 };
  try {
    await ensureSchedulers(maintenance, intervals);
    const run = () => maintenanceProcessor({ name: 'reconcile-routing' } as never) as Promise<{ enqueued: number }>;
    await run(); // reconciled once: later runs (in any process) look back only a few minutes
    const old = await waiting(3 * 3600_000);
    await run();
    t.false(!!(await routing.getJob(routingJobId(old))), 'an old ticket is outside the window of a later run');

    // The flush: every key of this app's queues goes (a shared Redis: only this prefix).
    const redis = new Redis(app.env.REDIS_URL!);
    const keys = [...(await redis.keys(`${app.env.REDIS_PREFIX}:maintenance-probe:*`)), ...(await redis.keys(`${app.env.REDIS_PREFIX}:routing-probe:*`))];
    t.true(keys.length > 0);
    await redis.del(...keys);
    t.falsy(await maintenance.getJobScheduler('reconcile-routing'));
    redis.disconnect();

    await ensureSchedulers(maintenance, intervals);
    for (const id of ['reconcile-routing', 'reconcile-timers', 'retrain-classifier', 'sweep-claims']) t.truthy(await maintenance.getJobScheduler(id), id);
    await run();
    t.true(!!(await routing.getJob(routingJobId(old))), 'after the flush the reconcile looked at every ticket');
  } finally {
    await maintenance.obliterate({ force: true }).catch(() => undefined);
    await routing.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([maintenance.close(), routing.close()]);
  }
});

test.serial('the periodic reconcile leaves tickets younger than two of its intervals to their own jobs, and a later run takes them', async (t) => {
  const routing = new Queue('routing-grace-probe', { connection: { url: app.env.REDIS_URL! }, prefix: app.env.REDIS_PREFIX! });
  const run = () => maintenanceProcessor({ name: 'reconcile-routing' } as never) as Promise<{ checked: number; enqueued: number }>;
  try {
    const young = await waiting(20_000);
    const older = await waiting(90_000);
    setWorkerContext({ routingQueue: routing, reconcileIntervalMs: 30_000 });
    await run();
    t.true(!!(await routing.getJob(routingJobId(older))), 'a ticket older than the grace (60 s) without a job is enqueued');
    t.false(!!(await routing.getJob(routingJobId(young))), 'a 20-second-old ticket is not even looked at');
    // Every second here: the grace is 2 s, so the young ticket is now well past it.
    setWorkerContext({ routingQueue: routing, reconcileIntervalMs: 1000 });
    await run();
    t.true(!!(await routing.getJob(routingJobId(young))), 'the next run found it');
  } finally {
    await routing.obliterate({ force: true }).catch(() => undefined);
    await routing.close();
  }
});
