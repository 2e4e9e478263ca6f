/**
 * `npm run bench:timers`: time-limit timers at scale, on isolated embedded stores.
 *   1. BENCH_TICKETS (100,000) open dispatched tickets in MongoDB with their
 *      deadlines; Redis flushed; the reconcile job rebuilds every pending
 *      timer: reconcileSec, pending, redisBytesPerTimer (INFO memory delta).
 *   2. BENCH_FIRING (5,000) more tickets whose accept warning comes due
 *      within the run, spread over BENCH_SPREAD_SEC, fired by the real
 *      processor (timers worker in this process) while all the others stay
 *      pending: lateness = job finished - due instant, p50/p99.
 * Writes bench-results/timers.json.
 */
import { Worker, type Job } from 'bullmq';
import { loadConfig } from '../../server/config.ts';
import { connectMongo, disconnectMongo, syncAllIndexes } from '../../server/data/db.ts';
import { Ticket, Unit, User } from '../../server/data/models/index.ts';
import { createRedis } from '../../server/redis.ts';
import { QUEUES, type TimerJob } from '../../server/queue/queues.ts';
import { WorkCalendar } from '../../server/domain/calendar.ts';
import { closeTimeLimits, configureTimeLimits, fireTimer, reconcileTimers } from '../../server/services/deadlines.ts';
import { percentile, round, startBenchStores, writeResults } from './harness.ts';
import { dispatchedTicket } from '../seed/dispatched.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const FIRING = Number(process.env.BENCH_FIRING ?? 5_000);
const SPREAD_SEC = Number(process.env.BENCH_SPREAD_SEC ?? 60);
const LEAD_SEC = Number(process.env.BENCH_LEAD_SEC ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WAIT_SEC = Number(process.env.BENCH_WAIT_SEC ?? 180);

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

async function insertAll(docs: ReturnType<typeof ticketDoc>[]) {
  for (let i = 0; i < docs.length; i += 1000) await Ticket.collection.insertMany(docs.slice(i, i + 1000) as never[], { ordered: false });
}

async function usedMemory(redis: ReturnType<typeof createRedis>): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

const stores = await startBenchStores();
try {
  const env = { ...stores.env, REDIS_PREFIX: 'bench' };
  const config = loadConfig(env);
  await connectMongo(config.MONGODB_URI);
  await syncAllIndexes();
  await Unit.create({ _id: 'st-a1', name: '湖滨街道办事处', kind: 'street', ancestors: [] });
  await User.create({ username: 'h', displayName: '承办人', role: 'unit_handler', unitId: 'st-a1', passwordHash: 'x' });
  const redis = createRedis(config.REDIS_URL, 'worker');
  const rt = configureTimeLimits({ redis, config });
  const queue = rt.timersQueue!;
  await queue.waitUntilReady();

  // 1. Open tickets dispatched over the last three days (normal limits: 8 timers each).
  console.log(`▶ seeding ${TICKETS} open tickets`);
  let t0 = performance.now();
  const now = Date.now();
  const horizon = now + (LEAD_SEC + SPREAD_SEC + WAIT_SEC + 600) * 1000;
  const docs = Array.from({ length: TICKETS }, (_, i) => ticketDoc(i, 'normal', new Date(now - ((i * 7919) % 259_200) * 1000), horizon));
  console.log(`  deadlines computed in ${round((performance.now() - t0) / 1000)} s`);
  t0 = performance.now();
  await insertAll(docs);
  console.log(`  inserted in ${round((performance.now() - t0) / 1000)} s`);

  // 2. Redis loses everything; reconcile rebuilds the timers.
  await redis.flushdb();
  const memBefore = await usedMemory(redis);
  console.log('▶ reconcile after FLUSHDB');
  const rec = await reconcileTimers(queue);
  const memAfter = await usedMemory(redis);
  const pending = await queue.getDelayedCount();
  console.log(`  ${rec.tickets} tickets, ${rec.added} timers added (${rec.late} late) in ${round(rec.ms / 1000, 2)} s; ${pending} delayed`);
  const bytesPerTimer = (memAfter - memBefore) / Math.max(1, rec.added);

  // 3. Fire precision: FIRING tickets whose accept warning comes due inside the run.
  console.log(`▶ ${FIRING} timers due within ${SPREAD_SEC} s while ${pending} stay pending`);
  const start = Date.now() + LEAD_SEC * 1000;
  const firing = Array.from({ length: FIRING }, (_, i) => {
    const due = start + Math.floor((i * SPREAD_SEC * 1000) / FIRING);
    // 特急 accept: 30 clock minutes, warning at 75% = 22.5 min after dispatch.
    return ticketDoc(TICKETS + i, 'critical', new Date(due - 22.5 * 60_000), 0);
  });
  await insertAll(firing);
  const fireRec = await reconcileTimers(queue);
  console.log(`  scheduled ${fireRec.added} new timers`);

  const late: number[] = [];
  const lateStart: number[] = [];
  const results = new Map<string, number>();
  const worker = new Worker(
    QUEUES.timers,
    async (job: Job<TimerJob>) => {
      lateStart.push(Date.now() - Date.parse(job.data.fireAt));
      const r = await fireTimer(job.data);
      if (r === 'fired') late.push(Date.now() - Date.parse(job.data.fireAt));
      results.set(r, (results.get(r) ?? 0) + 1);
      return r;
    },
    { connection: createRedis(config.REDIS_URL, 'worker'), prefix: config.REDIS_PREFIX, concurrency: CONCURRENCY },
  );
  worker.on('error', () => undefined);
  const until = start + (SPREAD_SEC + WAIT_SEC) * 1000;
  while (Date.now() < until && late.length < FIRING) await new Promise((r) => setTimeout(r, 500));
  await worker.close();
  const unfired = FIRING - late.length;
  // A timer that had not fired by the end counts as late by at least the time waited.
  const all = [...late, ...Array.from({ length: unfired }, () => Date.now() - start)].sort((a, b) => a - b);
  lateStart.sort((a, b) => a - b);
  const result = {
    pending,
    tickets: TICKETS,
    firing: FIRING,
    fired: late.length,
    unfired,
    outcomes: Object.fromEntries(results),
    p50LateMs: round(percentile(all, 50)),
    p99LateMs: round(percentile(all, 99)),
    p50StartLateMs: round(percentile(lateStart, 50)),
    p99StartLateMs: round(percentile(lateStart, 99)),
    reconcileSec: round(rec.ms / 1000, 2),
    reconcileTimersAdded: rec.added,
    redisBytesPerTimer: Math.round(bytesPerTimer),
    concurrency: CONCURRENCY,
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
