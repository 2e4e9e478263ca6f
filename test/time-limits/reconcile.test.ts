/**
 * Redis loses every timer (FLUSHDB on a private Redis); the reconcile sweep
 * rebuilds them from the timer schedule in MongoDB: 1,000 open dispatched
 * tickets, every pending timer back, every missed level fired late and once,
 * nothing doubled. The tickets are loaded straight into MongoDB without a
 * schedule (a first deployment), so the schedule is first rebuilt from them.
 * Then the horizon: Redis holds only the next window, and sweeps as time
 * passes put every timer in before its instant.
 */
import test from 'ava';
import path from 'node:path';
import { Types } from 'mongoose';
import { Queue, Worker } from 'bullmq';
import { startTestApp, eventually, type TestApp } from '../helpers/harness.ts';
import { freePort, startRedis, type StoreHandle } from '../../scripts/stores.ts';
import { Ticket, type TicketDoc } from '../../server/data/models/index.ts';
import { TimerSchedule, type TimerScheduleRecord } from '../../server/data/models/timer-schedule.ts';
import { createRedis } from '../../server/redis.ts';
import { QUEUES } from '../../server/queue/queues.ts';
import {
  pendingTimers,
  rebuildTimerSchedule,
  rebuildTimerScheduleIfDue,
  reconcileTimers,
  SWEEP_EVERY_MS,
  timeLimitRuntime,
  timerProcessor,
} from '../../server/services/deadlines.ts';
import { formatShanghai, scheduledTimers, storedDeadlines, timerJobId } from '../../server/domain/deadlines.ts';
import { reconcileTimersJob } from '../../workers/timers.ts';
import { WorkCalendar } from '../../server/domain/calendar.ts';
import { dispatchedTicket } from '../../scripts/seed/dispatched.ts';

let redis: StoreHandle;
let app: TestApp;
const N = 1000;
/** A window wider than any limit: every pending timer is held in Redis. */
const ALL = 60 * 24 * 3600_000;

test.before(async () => {
  const port = await freePort();
  redis = await startRedis({ dir: path.join(process.env.TEST_TMP_DIR ?? '/tmp', `redis-timers-${port}`), port, persist: false });
  app = await startTestApp({ env: { REDIS_URL: redis.url } });
});
test.after.always(async () => {
  // Workers first, while Redis is still up: a worker closed after its Redis stops rejects "Connection is closed".
  await Promise.all(workers.map((w) => w.close().catch(() => undefined)));
  await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  connections.forEach((c) => c.disconnect());
  await app?.stop();
  await redis?.stop();
});

/** N dispatched tickets written straight to MongoDB (no timer schedule yet), some with levels already due. */
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
const queues: Queue[] = [];

function connection() {
  const c = createRedis(redis.url, 'worker');
  connections.push(c);
  return c;
}

/** Timer workers running the real processor (several, as in production). */
function startTimerWorkers(count: number): Worker[] {
  return Array.from({ length: count }, () => {
    const w = new Worker(QUEUES.timers, timerProcessor, { connection: connection(), prefix: app.env.REDIS_PREFIX!, concurrency: 4 });
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

const entries = () => TimerSchedule.find({}).lean<TimerScheduleRecord[]>();

/** Every timer a ticket still has is in its schedule entry; returns how many entry keys are extra (they run once and trim). */
async function scheduleCovers(t: import('ava').ExecutionContext, tickets: TicketDoc[]): Promise<number> {
  const byId = new Map((await entries()).map((e) => [e._id, e]));
  let extra = 0;
  for (const tk of tickets) {
    const d = storedDeadlines(tk)!;
    const left = scheduledTimers(tk);
    const e = byId.get(`${tk._id.toHexString()}:${d.version}`);
    const missing = left.filter((x) => e?.at[e.keys.indexOf(x.key)]?.getTime() !== x.fireAt.getTime());
    t.deepEqual(missing.map((x) => x.key), [], `schedule of ${tk._id.toHexString()}`);
    extra += (e?.keys.length ?? 0) - left.length;
  }
  return extra;
}

test.serial('after a Redis flush, reconcile brings back every timer within one period; no level is missed or doubled', async (t) => {
  const ids = await seedTickets();
  const queue = timeLimitRuntime()!.timersQueue!;

  // First deployment: the schedule is rebuilt from the tickets (once; a second pass finds it right).
  const rebuilt = await rebuildTimerSchedule();
  t.is(rebuilt.tickets, N);
  t.is(rebuilt.written, N);
  t.is((await rebuildTimerSchedule()).written, 0);

  // The first sweep schedules them all (nothing was scheduled), workers fire what is already due.
  const first = await reconcileTimers(queue, { horizonMs: ALL });
  t.is(first.tickets, N);
  t.is(first.present, 0);
  t.true(first.late > 0, 'some levels were already due');
  let running = startTimerWorkers(2);
  await eventually(drained, 100_000, 200);
  await Promise.all(running.map((w) => w.close()));
  const before = await firedCounts(ids);
  t.true(before.counts.size > 0);
  const extraBefore = await scheduleCovers(t, before.tickets);

  // Redis loses everything.
  const client = connection();
  await client.flushdb();
  t.is((await queue.getJobCounts('delayed', 'waiting')).delayed, 0);

  const swept = await reconcileTimers(queue, { horizonMs: ALL });
  t.is(swept.tickets, N);
  t.is(swept.present, 0);
  t.true(swept.ms < 60_000, `reconcile took ${swept.ms} ms, more than one period`);

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
  // Levels that fired since the last sweep are still in the schedule (the sweep drops a timer once it sees its finished job,
  // and the flush took those): they run once more and find their level recorded.
  t.true(extraBefore > 0);
  t.is(swept.timers, expected + extraBefore);
  t.is(exists.filter((v) => v === 1).length, expected, 'every pending timer is back');

  // A second sweep finds them all present and adds nothing.
  const again = await reconcileTimers(queue, { horizonMs: ALL });
  t.is(again.added, 0);
  t.is(again.present + again.finished, again.timers);

  // Several workers fire what came due; a third sweep meanwhile.
  running = startTimerWorkers(3);
  await reconcileTimers(queue, { horizonMs: ALL });
  await eventually(drained, 100_000, 200);
  await Promise.all(running.map((w) => w.close()));
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
  // A sweep drops what finished: the schedule holds exactly what is left.
  const last = await reconcileTimers(queue, { horizonMs: ALL });
  t.is(last.added, 0);
  t.is(await scheduleCovers(t, after.tickets), 0);
  t.log(`schedule keys awaiting a sweep after the first run: ${extraBefore}; dropped by the last sweep: ${last.finished}`);
});

test.serial('with a horizon Redis holds only the next window; sweeps as time passes put in every timer before its instant', async (t) => {
  // Its own queue (key prefix) on the same schedule, and a clock run forward by hand over three days.
  const queue = new Queue(QUEUES.timers, { connection: connection(), prefix: `${app.env.REDIS_PREFIX}-h` });
  queues.push(queue);
  const client = connection();
  const horizonMs = 6 * 3600_000;
  const step = 2 * 3600_000;
  const t0 = Date.now();
  const schedule = (await entries()).flatMap((e) =>
    e.keys.map((k, i) => ({ id: timerJobId(e.ticketId.toHexString(), e.version, ...(k.split('.') as ['accept', 'warning'])), at: new Date(e.at[i]!).getTime() })),
  );
  t.true(schedule.length > 5 * N, `${schedule.length} timers`);
  const armedAt = new Map<string, number>();
  let redisMax = 0;
  for (let now = t0; now <= t0 + 3 * 24 * 3600_000; now += step) {
    const res = await reconcileTimers(queue, { horizonMs, now: () => now });
    const pipe = client.pipeline();
    for (const x of schedule) pipe.exists(queue.toKey(x.id));
    const exists = (await pipe.exec())!.map(([, v]) => v === 1);
    schedule.forEach((x, i) => {
      const inWindow = x.at <= now + horizonMs;
      if (inWindow && !armedAt.has(x.id)) armedAt.set(x.id, now);
      if (exists[i] !== inWindow) t.fail(`${x.id} at ${new Date(x.at).toISOString()}: in Redis ${exists[i]}, in the window ${inWindow} (sweep at ${new Date(now).toISOString()}, ${JSON.stringify(res)})`);
    });
    redisMax = Math.max(redisMax, exists.filter(Boolean).length);
  }
  // Each timer went in by the first sweep whose window reached it: at least (horizon - step) before its instant.
  const late = [...armedAt].filter(([id, at]) => at !== t0 && schedule.find((x) => x.id === id)!.at - at < horizonMs - step);
  t.deepEqual(late, []);
  t.true(redisMax < schedule.length, `at most ${redisMax} of ${schedule.length} timers in Redis at once`);
  t.log(`at most ${redisMax} of ${schedule.length} timers held in Redis at once over three days (window 6 h, a sweep every 2 h)`);

  // The scheduled run sweeps only when the armed window runs short, and at once when Redis lost the marker (a flush).
  const at = t0 + 10 * 24 * 3600_000;
  t.false(!!(await reconcileTimers(queue, { horizonMs, now: () => at })).skipped);
  t.true(!!(await reconcileTimers(queue, { horizonMs, ifDue: true, now: () => at + 60_000 })).skipped);
  t.false(!!(await reconcileTimers(queue, { horizonMs, ifDue: true, now: () => at + SWEEP_EVERY_MS + 1000 })).skipped);
  await client.del(queue.toKey('timers-armed-until'));
  t.false(!!(await reconcileTimers(queue, { horizonMs, ifDue: true, now: () => at + SWEEP_EVERY_MS + 2000 })).skipped);
});

test.serial('the scheduled run: sweeps, and rebuilds the schedule from the tickets when it never was, then nightly, one process at a time', async (t) => {
  const queue = timeLimitRuntime()!.timersQueue!;
  // A schedule entry lost by a write that bypassed the hooks: the first run repairs it and sweeps it in.
  const victim = (await entries())[0]!;
  await TimerSchedule.deleteOne({ _id: victim._id });
  const first = (await reconcileTimersJob()) as { rebuilt?: { written: number } };
  t.is(first.rebuilt?.written, 1);
  t.truthy(await TimerSchedule.findById(victim._id).lean());
  t.is(await rebuildTimerScheduleIfDue(queue), null, 'not again the same day');

  const last = Date.now();
  const at = (from: number, hour: string) => {
    let d = from;
    while (formatShanghai(new Date(d)).slice(11, 13) !== hour) d += 3600_000;
    return new Date(d);
  };
  t.is(await rebuildTimerScheduleIfDue(queue, at(last + 24 * 3600_000, '12')), null, 'a day later, but in working hours');
  const client = connection();
  await client.set(queue.toKey('timers-schedule-rebuild'), 'another process', 'PX', 60_000);
  t.is(await rebuildTimerScheduleIfDue(queue, at(last + 24 * 3600_000, '03')), null, 'another process is rebuilding');
  await client.del(queue.toKey('timers-schedule-rebuild'));
  t.is((await rebuildTimerScheduleIfDue(queue, at(last + 24 * 3600_000, '03')))?.written, 0, 'at night');
  t.truthy(await rebuildTimerScheduleIfDue(queue, at(last + 4 * 24 * 3600_000, '12')), 'after three days whatever the hour');
});
