/**
 * `npm run bench:intake`: calls posted over HTTP by many concurrent clients
 * (autocannon) against the server in its own process, and in the same run the
 * raw baseline: the same ticket document inserted through the driver plus the
 * routing queue add, without HTTP. Writes bench-results/intake.json.
 */
import autocannon from 'autocannon';
import { Types } from 'mongoose';
import { connectMongo, disconnectMongo, syncAllIndexes } from '../../server/data/db.ts';
import { Ticket, Unit, User } from '../../server/data/models/index.ts';
import { hashPassword } from '../../server/services/auth.ts';
import { createQueue, enqueueRouting, QUEUES } from '../../server/queue/queues.ts';
import { createRedis } from '../../server/redis.ts';
import { freePort } from '../stores.ts';
import { percentile, round, startBenchStores, startProcess, stopProcess, writeResults } from './harness.ts';

const DURATION = Number(process.env.BENCH_DURATION_SEC ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);

const body = JSON.stringify({
  caller: { name: '周女士', phone: '13812345678' },
  type: 'complaint',
  urgency: 'normal',
  content: '东湖区湖滨街道幸福里小区南门外夜间施工噪音扰民，凌晨一点还在打桩，多次反映无果，请相关部门尽快处理。',
  address: '东湖区湖滨街道幸福里小区南门',
});

interface LoadResult {
  ok: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

async function load(url: string, token: string, opts: { duration: number; connections: number; rate?: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const instance = autocannon({
    url: `${url}/api/v1/tickets`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
    duration: opts.duration,
    connections: opts.connections,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status === 201) ok++;
    else errors++;
    latencies.push(ms);
  });
  const res = await instance;
  errors += res.errors + res.timeouts;
  latencies.sort((a, b) => a - b);
  return { ok, errors, seconds: res.duration, latencies };
}

/**
 * The raw path without HTTP: insert the same document through the driver and
 * add its routing job. `batch` > 1 uses insertMany + addBulk, the best the
 * stores can do, for comparison with the API's group commit.
 */
async function baseline(env: NodeJS.ProcessEnv, template: Record<string, unknown>, seconds: number, concurrency: number, batch = 1) {
  const redis = createRedis(env.REDIS_URL!, 'producer');
  const queue = createQueue(QUEUES.routing, redis, 'baseline');
  await queue.waitUntilReady();
  let n = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        if (batch === 1) {
          const id = new Types.ObjectId();
          const i = n++;
          await Ticket.collection.insertOne({ ...template, _id: id, number: `B${batch}-${i}`, intakeKey: `baseline:${batch}:${i}` } as never);
          await enqueueRouting(queue, id.toHexString());
        } else {
          const docs = Array.from({ length: batch }, () => {
            const i = n++;
            return { ...template, _id: new Types.ObjectId(), number: `B${batch}-${i}`, intakeKey: `baseline:${batch}:${i}` };
          });
          await Ticket.collection.insertMany(docs as never[], { ordered: false });
          await queue.addBulk(docs.map((d) => ({ name: 'route', data: { ticketId: d._id.toHexString() }, opts: { jobId: `route-${d._id.toHexString()}` } })));
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await queue.close();
  redis.disconnect();
  return n / elapsed;
}

async function main() {
  const stores = await startBenchStores();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...stores.env, PORT: String(port) };
  await connectMongo(env.MONGODB_URI!);
  await syncAllIndexes();
  await Unit.create({ _id: 'center', name: '12345热线中心', kind: 'center' });
  await User.create({ username: 'bench', displayName: '压测话务员', role: 'operator', unitId: 'center', passwordHash: await hashPassword('bench-pass') });

  const server = await startProcess('server/main.ts', env, port);
  try {
    const url = `http://127.0.0.1:${port}`;
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-pass' }) });
    const { token } = (await login.json()) as { token: string };

    console.log('warm-up 3 s…');
    await load(url, token, { duration: 3, connections: 16 });

    console.log(`throughput: ${CONNECTIONS} connections for ${DURATION} s…`);
    const max = await load(url, token, { duration: DURATION, connections: CONNECTIONS });
    const ticketsPerSec = max.ok / max.seconds;

    console.log('fixed rate: 200 requests/s for 15 s…');
    const at200 = await load(url, token, { duration: 15, connections: 20, rate: 200 });

    const template = await Ticket.findOne({}, { _id: 0 }).lean();
    console.log(`baseline (driver insert + queue add, ${CONNECTIONS} concurrent) for ${DURATION} s…`);
    const baselinePerSec = await baseline(env, template as Record<string, unknown>, DURATION, CONNECTIONS);
    console.log('batched baseline (insertMany + addBulk of 64, 2 concurrent) for 10 s…');
    const batchedBaselinePerSec = await baseline(env, template as Record<string, unknown>, 10, 2, 64);

    const results = {
      ticketsPerSec: round(ticketsPerSec),
      p50Ms: round(percentile(max.latencies, 50)),
      p95Ms: round(percentile(max.latencies, 95)),
      p99Ms: round(percentile(max.latencies, 99)),
      errors: max.errors,
      connections: CONNECTIONS,
      durationSec: DURATION,
      baselinePerSec: round(baselinePerSec),
      ratio: round(ticketsPerSec / baselinePerSec, 3),
      batchedBaselinePerSec: round(batchedBaselinePerSec),
      ratioVsBatched: round(ticketsPerSec / batchedBaselinePerSec, 3),
      p50MsAt200: round(percentile(at200.latencies, 50)),
      p99MsAt200: round(percentile(at200.latencies, 99)),
      achievedRateAt200: round(at200.ok / at200.seconds),
      errorsAt200: at200.errors,
    };
    console.table(results);
    writeResults('intake', results);
  } finally {
    await stopProcess(server);
    await disconnectMongo();
    await stores.stop();
  }
}

await main();
