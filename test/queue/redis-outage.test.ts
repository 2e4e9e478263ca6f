import test from 'ava';
import path from 'node:path';
import { startTestApp, eventually, type TestApp } from '../helpers/harness.ts';
import { freePort, startRedis, type StoreHandle } from '../../scripts/stores.ts';
import { startWorkers } from '../../workers/main.ts';
import { Ticket } from '../../server/data/models/index.ts';
import { routingJobId } from '../../server/queue/queues.ts';

let redis: StoreHandle;
let app: TestApp;
let redisDir: string;
let redisPort: number;

test.before(async () => {
  redisPort = await freePort();
  redisDir = path.join(process.env.TEST_TMP_DIR ?? '/tmp', `redis-outage-${redisPort}`);
  redis = await startRedis({ dir: redisDir, port: redisPort, persist: true });
  app = await startTestApp({ env: { REDIS_URL: redis.url } });
});
test.after.always(async () => {
  await app?.stop();
  await redis?.stop();
});

const create = async (i: number) =>
  app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { phone: `1380000${String(i).padStart(4, '0')}` }, type: 'help', content: `第${i}号来电：小区停水` },
  });

test('intake keeps working while Redis is down; every ticket is enqueued exactly once after it returns', async (t) => {
  await app.login('op'); // the login rate limiter needs Redis or its insurance: take the token first
  const before = await Promise.all([1, 2, 3].map(create));
  t.true(before.every((r) => r.status === 201));

  await redis.stop();
  const started = Date.now();
  const during = [];
  for (let i = 4; i <= 18; i++) during.push(await create(i));
  t.true(during.every((r) => r.status === 201), JSON.stringify(during.map((r) => r.status)));
  t.true(Date.now() - started < 15 * 2000, 'intake does not hang on Redis');
  const health = await app.api('GET', '/health');
  t.is(health.body.status, 'degraded');
  t.false(health.body.stores.redis.ok);

  redis = await startRedis({ dir: redisDir, port: redisPort, persist: true });
  const workers = await startWorkers(app.env);
  try {
    const ids = [...before, ...during].map((r) => r.body.ticket.id as string);
    await eventually(async () => (await Ticket.countDocuments({ _id: { $in: ids }, status: 'manual' })) === ids.length, 20_000);
    const tickets = await Ticket.find({ _id: { $in: ids } }).lean();
    for (const tk of tickets) {
      t.is(tk.history.filter((h) => h.type === 'routing_parked').length, 1, tk.number);
    }
    const queue = app.server.deps.routingQueue;
    const jobs = await Promise.all(ids.map((id) => queue.getJob(routingJobId(id))));
    t.true(jobs.every(Boolean), 'each ticket has its job');
    const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
    t.is(counts.completed, ids.length, JSON.stringify(counts));
    t.is((counts.failed ?? 0) + (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0), 0);
  } finally {
    await workers.stop();
  }
});
