/**
 * `npm run bench:timers`: time-limit timers at scale, on isolated embedded stores.
 *   1. BENCH_TICKETS (100,000) open dispatched tickets in MongoDB with their
 *      deadlines, and their timer schedule: rebuilt from the tickets (the
 *      first-deployment path, timed as rebuildSec) or, with BENCH_REBUILD=0,
 *      inserted as dispatch writes it.
 *   2. Redis flushed; the reconcile sweep puts back every timer due within the
 *      horizon (BENCH_HORIZON_H, default the service's 2 h): reconcileSec,
 *      pending (timers in the schedule), inRedis, redisBytesPerTimer (INFO
 *      memory delta per pending timer). A second sweep (nothing missing) is
 *      timed as topUpSec. With BENCH_FULL_SWEEP (default 1) Redis is flushed
 *      again and swept with a window holding every pending timer (the old
 *      design's load): reconcileAllSec and redisBytesPerJob; then the
 *      horizon's window is restored.
 *   3. BENCH_FIRING (5,000) more tickets dispatched now (deadlines, schedule
 *      and jobs by scheduleTimersFor, as a dispatch does) whose accept warning
 *      comes due BENCH_LEAD_SEC later, spread over BENCH_SPREAD_SEC, run by
 *      the real processor (timerProcessor, BENCH_CONCURRENCY) while all the
 *      others stay pending; with BENCH_SWEEP_DURING=1 a full sweep also runs
 *      in the middle of the window (as the reconcile job may). Lateness = the level's history event
 *      (when the processor recorded it) minus the timer's instant stored on the
 *      ticket, read back from MongoDB; unfired timers count as late by the
 *      whole wait. p50/p99, and the same to job completion (after notices).
 *   4. Capacity: BENCH_CAPACITY (2,000) more tickets whose accept warning is
 *      already due, armed while the worker is paused; fires per second once
 *      it resumes (the rate the precision run can sustain).
 * Writes bench-results/timers.json.
 */
import os from 'node:os';
import { Worker, type Job } from 'bullmq';
import { mongo } from 'mongoose';
import { loadConfig } from '../../server/config.ts';
import { connectMongo, disconnectMongo, syncAllIndexes } from '../../server/data/db.ts';
import { Ticket, Unit, User, type TicketDoc } from '../../server/data/models/index.ts';
import { TimerSchedule } from '../../server/data/models/timer-schedule.ts';
import { createRedis } from '../../server/redis.ts';
import { QUEUES, type TimerJob } from '../../server/queue/queues.ts';
import { WorkCalendar } from '../../server/domain/calendar.ts';
import { storedDeadlines } from '../../server/domain/deadlines.ts';
import {
  closeTimeLimits,
  configureTimeLimits,
  rebuildTimerSchedule,
  reconcileTimers,
  scheduleTimersFor,
  TIMER_HORIZON_MS,
  timerProcessor,
} from '../../server/services/deadlines.ts';
import { percentile, round, startBenchStores, writeResults } from './harness.ts';
import { dispatchedTicket, timerScheduleEntry } from '../seed/dispatched.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const FIRING = Number(process.env.BENCH_FIRING ?? 5_000);
const SPREAD_SEC = Number(process.env.BENCH_SPREAD_SEC ?? 60);
const LEAD_SEC = Number(process.env.BENCH_LEAD_SEC ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WAIT_SEC = Number(process.env.BENCH_WAIT_SEC ?? 180);
const CAPACITY = Number(process.env.BENCH_CAPACITY ?? 2000);
const HORIZON_MS = process.env.BENCH_HORIZON_H ? Number(process.env.BENCH_HORIZON_H) * 3600_000 : TIMER_HORIZON_MS;
const REBUILD = process.env.BENCH_REBUILD !== '0';
const SWEEP_DURING = process.env.BENCH_SWEEP_DURING === '1';
const FULL_SWEEP = process.env.BENCH_FULL_SWEEP !== '0';
/** Wider than any limit: every pending timer (what Redis held before the horizon). */
const ALL_MS = 60 * 24 * 3600_000;

const calendar = new WorkCalendar();

function ticketDoc(i: number, urgency: 'normal' | 'critical', dispatchedAt: Date, firedUpTo: number) {
  return dispatchedTicket({
    key: `bench-${i}`,
    number: `B${String(i).padStart(8, '0')}`,
    urgency,
    dispatchedAt,
    lead: { unitId: 'st-a1', unitName: '湖滨街道办事处' },
    scopeUnitIds: ['st-a1'],
    calendar,
    firedUpTo,
  });
}

async function insertAll(collection: { insertMany(docs: never[], opts: object): Promise<unknown> }, docs: unknown[]) {
  for (let i = 0; i < docs.length; i += 1000) await collection.insertMany(docs.slice(i, i + 1000) as never[], { ordered: false });
}

async function usedMemory(redis: ReturnType<typeof createRedis>): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

/** Run `fn` over `items` with at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const load = () => os.loadavg().map((x) => round(x, 2));
const stores = await startBenchStores();
try {
  const env = { ...stores.env, REDIS_PREFIX: 'bench' };
  const config = loadConfig(env);
  await connectMongo(config.MONGODB_URI);
  await syncAllIndexes();
  await Unit.create({ _id: 'st-a1', name: '湖滨街道办事处', kind: 'street', ancestors: [] });
  await User.create({ username: 'h', displayName: '承办人', role: 'unit_handler', unitId: 'st-a1', passwordHash: 'x' });
  const redis = createRedis(config.REDIS_URL, 'worker');
  const rt = configureTimeLimits({ redis, config, timerHorizonMs: HORIZON_MS });
  const queue = rt.timersQueue!;
  await queue.waitUntilReady();
  const loadAtStart = load();

  // 1. Open tickets dispatched over the last three days (normal limits: 8 timers each).
  console.log(`▶ seeding ${TICKETS} open tickets (load ${loadAtStart.join(' ')})`);
  let t0 = performance.now();
  const now = Date.now();
  // Levels that would come due during the run count as fired: only the firing tickets fire.
  const quietUntil = now + (LEAD_SEC + SPREAD_SEC + WAIT_SEC + 600) * 1000;
  const docs = Array.from({ length: TICKETS }, (_, i) => ticketDoc(i, 'normal', new Date(now - ((i * 7919) % 259_200) * 1000), quietUntil));
  const entries = docs.map(timerScheduleEntry).filter((e) => e !== null);
  const pending = entries.reduce((n, e) => n + e.keys.length, 0);
  const inWindow = entries.reduce((n, e) => n + e.at.filter((a) => a.getTime() <= now + HORIZON_MS).length, 0);
  console.log(`  deadlines computed in ${round((performance.now() - t0) / 1000)} s: ${pending} pending timers, ${inWindow} due within ${HORIZON_MS / 3600_000} h`);
  t0 = performance.now();
  await insertAll(Ticket.collection as never, docs);
  console.log(`  tickets inserted in ${round((performance.now() - t0) / 1000)} s`);
  let rebuildSec: number | null = null;
  if (REBUILD) {
    console.log('▶ timer schedule rebuilt from the tickets');
    const r = await rebuildTimerSchedule();
    rebuildSec = round(r.ms / 1000, 2);
    console.log(`  ${r.tickets} tickets, ${r.written} entries in ${rebuildSec} s (load ${load().join(' ')})`);
  } else {
    await insertAll(TimerSchedule.collection as never, entries);
  }
  const entryBytes = entries.slice(0, 1000).reduce((n, e) => n + mongo.BSON.calculateObjectSize(e), 0) / Math.max(1, Math.min(1000, entries.length));

  // 2. Redis loses everything; the sweep puts the window back.
  await redis.flushdb();
  const memBefore = await usedMemory(redis);
  console.log('▶ reconcile after FLUSHDB');
  const loadAtReconcile = load();
  const rec = await reconcileTimers(queue);
  const memAfter = await usedMemory(redis);
  const inRedis = await queue.getDelayedCount();
  console.log(`  ${rec.tickets} entries, ${rec.added} timers added (${rec.late} late) in ${round(rec.ms / 1000, 2)} s; ${inRedis} delayed (load ${loadAtReconcile.join(' ')})`);
  const topUp = await reconcileTimers(queue);
  console.log(`  a second sweep: ${topUp.present} present, ${topUp.added} added in ${round(topUp.ms / 1000, 2)} s`);
  const redisBytes = memAfter - memBefore;
  let all: { sec: number; added: number; bytesPerJob: number } | null = null;
  if (FULL_SWEEP) {
    await redis.flushdb();
    const m0 = await usedMemory(redis);
    const r = await reconcileTimers(queue, { horizonMs: ALL_MS });
    const m1 = await usedMemory(redis);
    all = { sec: round(r.ms / 1000, 2), added: r.added, bytesPerJob: Math.round((m1 - m0) / Math.max(1, r.added)) };
    console.log(`  every pending timer after a flush: ${r.added} added in ${all.sec} s, ${all.bytesPerJob} B per job (load ${load().join(' ')})`);
    await redis.flushdb();
    await reconcileTimers(queue);
  }

  // 3. Fire precision: FIRING tickets dispatched now whose accept warning comes due inside the run.
  console.log(`▶ ${FIRING} timers due within ${SPREAD_SEC} s from ${LEAD_SEC} s on while ${pending} stay pending`);
  const start = Date.now() + LEAD_SEC * 1000;
  const firing = Array.from({ length: FIRING }, (_, i) => {
    const due = start + Math.floor((i * SPREAD_SEC * 1000) / FIRING);
    // 特急 accept: 30 clock minutes, warning at 75% = 22.5 min after dispatch.
    return ticketDoc(TICKETS + i, 'critical', new Date(due - 22.5 * 60_000), 0);
  });
  t0 = performance.now();
  await insertAll(Ticket.collection as never, firing);
  await pool(firing, 16, (t) => scheduleTimersFor(t as unknown as TicketDoc, queue));
  const armSec = round((performance.now() - t0) / 1000, 2);
  const armedBeforeDue = Date.now() < start;
  console.log(`  inserted and scheduled (dispatch path) in ${armSec} s; ${armedBeforeDue ? 'before' : 'AFTER'} the first instant`);

  const outcomes = new Map<string, number>();
  const done = new Map<string, number>();
  const worker = new Worker(
    QUEUES.timers,
    async (job: Job<TimerJob>, token?: string) => {
      const r = await timerProcessor(job, token);
      outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
      if (r === 'fired' && job.data.milestone === 'accept' && job.data.level === 'warning') done.set(job.data.ticketId, Date.now() - Date.parse(job.data.fireAt));
      return r;
    },
    { connection: createRedis(config.REDIS_URL, 'worker'), prefix: config.REDIS_PREFIX, concurrency: CONCURRENCY },
  );
  worker.on('error', () => undefined);
  let sweepDuring: Awaited<ReturnType<typeof reconcileTimers>> | null = null;
  const sweep = SWEEP_DURING
    ? new Promise((r) => setTimeout(r, Math.max(0, start + (SPREAD_SEC * 1000) / 2 - Date.now()))).then(async () => {
        sweepDuring = await reconcileTimers(queue);
      })
    : Promise.resolve();
  const loadAtFiring = load();
  const until = start + (SPREAD_SEC + WAIT_SEC) * 1000;
  while (Date.now() < until && done.size < FIRING) await new Promise((r) => setTimeout(r, 500));
  await sweep;
  const waited = Date.now() - start;
  const doneLate = [...done.values()];

  let firesPerSec: number | null = null;
  if (CAPACITY > 0) {
    await worker.pause();
    const now2 = Date.now();
    const burst = Array.from({ length: CAPACITY }, (_, i) => ticketDoc(TICKETS + FIRING + i, 'critical', new Date(now2 - 22.5 * 60_000 - 1000), 0));
    await insertAll(Ticket.collection as never, burst);
    await pool(burst, 16, (t) => scheduleTimersFor(t as unknown as TicketDoc, queue));
    const before = done.size;
    const t1 = performance.now();
    worker.resume();
    while (done.size < before + CAPACITY && performance.now() - t1 < WAIT_SEC * 1000) await new Promise((r) => setTimeout(r, 100));
    firesPerSec = round(((done.size - before) * 1000) / (performance.now() - t1));
    console.log(`  capacity: ${done.size - before} due timers fired at ${firesPerSec}/s (load ${load().join(' ')})`);
  }
  await worker.close();

  // Lateness as recorded on the tickets: the level's event against the ticket's own instant.
  const late: number[] = [];
  await pool(firing, 16, async (f) => {
    const t = await Ticket.findById(f._id, { deadlines: 1, history: 1 }).lean<TicketDoc>();
    const timer = storedDeadlines(t!)!.timers.find((x) => x.key === 'accept.warning')!;
    const events = t!.history.filter((h) => h.type === 'time_limit_warning' && (h.data as { milestone?: string }).milestone === 'accept');
    if (events.length > 1) throw new Error(`accept warning recorded ${events.length} times on ${f._id.toHexString()}`);
    late.push(events.length ? new Date(events[0]!.at).getTime() - new Date(timer.fireAt).getTime() : waited);
  });
  late.sort((a, b) => a - b);
  const unfired = late.filter((x) => x === waited).length;
  const completed = [...doneLate, ...Array.from({ length: FIRING - doneLate.length }, () => waited)].sort((a, b) => a - b);
  const result = {
    pending,
    tickets: TICKETS,
    horizonHours: HORIZON_MS / 3600_000,
    inRedis,
    firing: FIRING,
    fired: FIRING - unfired,
    unfired,
    outcomes: Object.fromEntries(outcomes),
    p50LateMs: round(percentile(late, 50)),
    p99LateMs: round(percentile(late, 99)),
    maxLateMs: round(late.at(-1) ?? NaN),
    minLateMs: round(late[0] ?? NaN),
    p50DoneLateMs: round(percentile(completed, 50)),
    p99DoneLateMs: round(percentile(completed, 99)),
    firingRatePerSec: round(FIRING / SPREAD_SEC),
    capacityFiresPerSec: firesPerSec,
    reconcileSec: round(rec.ms / 1000, 2),
    reconcileTimersAdded: rec.added,
    reconcileLate: rec.late,
    reconcileAllSec: all?.sec ?? null,
    reconcileAllAdded: all?.added ?? null,
    topUpSec: round(topUp.ms / 1000, 2),
    rebuildSec,
    armFiringSec: armSec,
    armedBeforeDue,
    sweepDuringFiringSec: sweepDuring ? round((sweepDuring as { ms: number }).ms / 1000, 2) : null,
    redisBytesPerTimer: Math.round(redisBytes / Math.max(1, pending)),
    redisBytesPerJob: all?.bytesPerJob ?? (rec.added ? Math.round(redisBytes / rec.added) : null),
    scheduleEntryBsonBytes: Math.round(entryBytes),
    concurrency: CONCURRENCY,
    load: { start: loadAtStart, reconcile: loadAtReconcile, firing: loadAtFiring, end: load() },
    targets: { p99LateMs: 1000, reconcileSec: 60 },
  };
  console.log(result);
  writeResults('timers', result);
  redis.disconnect();
  await closeTimeLimits();
  await disconnectMongo();
} finally {
  await stores.stop();
}
process.exit(0);
