/**
 * Redis loses every timer (FLUSHDB on a private Redis); the reconcile job
 * rebuilds them from MongoDB: 1,000 open dispatched tickets, every pending
 * timer back, every missed level fired late and once, nothing doubled.
 */
import test from 'ava';
import path from 'node:path';
import { Types } from 'mongoose';
import { Worker } from 'bullmq';
import { startTestApp, eventually, type TestApp } from '../helpers/harness.ts';
import { freePort, startRedis, type StoreHandle } from '../../scripts/stores.ts';
import { Ticket, type TicketDoc } from '../../server/data/models/index.ts';
import { createRedis } from '../../server/redis.ts';
import { QUEUES } from '../../server/queue/queues.ts';
import { fireTimer, reconcileTimers, pendingTimers, timeLimitRuntime } from '../../server/services/deadlines.ts';
import { storedDeadlines, timerJobId } from '../../server/domain/deadlines.ts';
import { WorkCalendar } from '../../server/domain/calendar.ts';
import { dispatchedTicket } from '../../scripts/seed/dispatched.ts';

let redis: StoreHandle;
let app: TestApp;
const N = 1000;

test.before(async () => {
  const port = await freePort();
  redis = await startRedis({ dir: path.join(process.env.TEST_TMP_DIR ?? '/tmp', `redis-timers-${port}`), port, persist: false });
  app = await startTestApp({ env: { REDIS_URL: redis.url } });
});
test.after.always(async () => {
  // Workers first, while Redis is still up: a worker closed after its Redis stops rejects "Connection is closed".
  await Promise.all(workers.map((w) => w.close().catch(() => undefined)));
  connections.forEach((c) => c.disconnect());
  await app?.stop();
  await redis?.stop();
});

/** N dispatched tickets written straight to MongoDB (as a dispatch would), some with levels already due. */
async function seedTickets(): Promise<Types.ObjectId[]> {
  const calendar = new WorkCalendar();
  const now = Date.now();
  const docs = Array.from({ length: N }, (_, i) => {
    const critical = i % 20 === 0;
    return dispatchedTicket({
      key: `reconcile-${i}`,
      number: `20250101-R${String(i).padStart(5, '0')}`,
      urgency: critical ? 'critical' : 'normal',
      dispatchedAt: new Date(now - (critical ? 40 : 30) * 60_000 * ((i * 7919) % 100) / 100),
      lead: { unitId: 'st-a1', unitName: '东湖区湖滨街道办事处' },
      scopeUnitIds: ['st-a1', 'dist-a'],
      calendar,
    });
  });
  for (let i = 0; i < docs.length; i += 250) await Ticket.collection.insertMany(docs.slice(i, i + 250) as never[]);
  return docs.map((d) => d._id);
}

const connections: ReturnType<typeof createRedis>[] = [];
const workers: Worker[] = [];

function startTimerWorkers(count: number): Worker[] {
  return Array.from({ length: count }, () => {
    const connection = createRedis(redis.url, 'worker');
    connections.push(connection);
    const w = new Worker(QUEUES.timers, async (job) => fireTimer(job.data), {
      connection,
      prefix: app.env.REDIS_PREFIX!,
      concurrency: 4,
    });
    w.on('error', () => undefined);
    workers.push(w);
    return w;
  });
}

async function drained(): Promise<boolean> {
  const counts = await timeLimitRuntime()!.timersQueue!.getJobCounts('waiting', 'active', 'prioritized');
  return (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0) === 0;
}

/** Per ticket and timer key: how many times the level was recorded. */
async function firedCounts(ids: Types.ObjectId[]) {
  const tickets = await Ticket.find({ _id: { $in: ids } }, { history: 1, deadlines: 1, status: 1 }).lean<TicketDoc[]>();
  const counts = new Map<string, number>();
  for (const t of tickets) {
    for (const h of t.history) {
      if (!h.type.startsWith('time_limit_')) continue;
      const data = h.data as { milestone: string; level: string };
      const key = `${t._id.toHexString()}:${data.milestone}.${data.level}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return { tickets, counts };
}

test('after a Redis flush, reconcile brings back every timer within one period; no level is missed or doubled', async (t) => {
  const ids = await seedTickets();
  const queue = timeLimitRuntime()!.timersQueue!;

  // The first sweep schedules them all (nothing was scheduled), workers fire what is already due.
  const first = await reconcileTimers(queue);
  t.is(first.tickets, N);
  t.is(first.present, 0);
  t.true(first.late > 0, 'some levels were already due');
  let workers = startTimerWorkers(2);
  await eventually(drained, 100_000, 200);
  await Promise.all(workers.map((w) => w.close()));
  const before = await firedCounts(ids);
  t.true(before.counts.size > 0);

  // Redis loses everything.
  const client = await queue.waitUntilReady().then(() => createRedis(redis.url, 'worker'));
  await client.flushdb();
  t.is((await queue.getJobCounts('delayed', 'waiting')).delayed, 0);

  const rebuilt = await reconcileTimers(queue);
  t.is(rebuilt.tickets, N);
  t.is(rebuilt.present, 0);
  t.true(rebuilt.ms < 60_000, `reconcile took ${rebuilt.ms} ms, more than one period`);

  // Every timer that still has something to do has its job again.
  const pipe = client.pipeline();
  let expected = 0;
  for (const tk of before.tickets) {
    const d = storedDeadlines(tk)!;
    for (const x of pendingTimers(tk)) {
      expected++;
      pipe.exists(queue.toKey(timerJobId(tk._id.toHexString(), d.version, x.milestone, x.level)));
    }
  }
  const exists = (await pipe.exec())!.map(([, v]) => v);
  t.is(expected, rebuilt.timers);
  t.is(exists.filter((v) => v === 1).length, expected, 'every pending timer is back');

  // A second sweep finds them all present and adds nothing.
  const again = await reconcileTimers(queue);
  t.is(again.added, 0);
  t.is(again.present, again.timers);

  // Several workers fire what came due; a third sweep meanwhile.
  workers = startTimerWorkers(3);
  await reconcileTimers(queue);
  await eventually(drained, 100_000, 200);
  await Promise.all(workers.map((w) => w.close()));
  const now = Date.now();
  const after = await firedCounts(ids);

  const doubled = [...after.counts].filter(([, n]) => n > 1);
  t.deepEqual(doubled, [], 'no level recorded twice');
  let due = 0;
  const missed: string[] = [];
  for (const tk of after.tickets) {
    const d = storedDeadlines(tk)!;
    for (const x of d.timers) {
      if (new Date(x.fireAt).getTime() > now - 1000) continue;
      due++;
      if (!after.counts.has(`${tk._id.toHexString()}:${x.key}`)) missed.push(`${tk._id.toHexString()}:${x.key}`);
    }
    t.deepEqual([...d.fired].sort(), [...after.counts.keys()].filter((k) => k.startsWith(tk._id.toHexString())).map((k) => k.split(':')[1]!).sort());
  }
  t.true(due > 0);
  t.deepEqual(missed, [], 'every level whose instant passed fired');
  // Levels that fired before the flush did not fire again.
  for (const [key] of before.counts) t.is(after.counts.get(key), 1, key);
  client.disconnect();
});
