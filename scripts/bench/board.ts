/**
 * `npm run bench:board`: the manager board (值班长看板) with many open tickets.
 * The demo data is multiplied to BENCH_OPEN open and BENCH_CLOSED closed
 * tickets (copies with their own ids and numbers). Measured: one scan of the
 * open tickets (what the board costs the store, however many viewers), the
 * next board after 100 tickets changed (a server re-reads only those), and
 * BENCH_VIEWERS managers' consoles asking the server for the board at once,
 * repeatedly, for BENCH_DURATION_SEC: response times and how many scans they
 * caused. Writes bench-results/board.json.
 */
import { Types } from 'mongoose';
import { disconnectMongo } from '../../server/data/db.ts';
import { Ticket, type TicketDoc } from '../../server/data/models/index.ts';
import { BOARD_STATUSES } from '../../server/domain/metrics.ts';
import { Redis } from 'ioredis';
import { BoardService, computeBoard } from '../../server/services/board.ts';
import { changeLogKey, recordChange } from '../../server/realtime/change-log.ts';
import { DEMO_PASSWORD } from '../seed/index.ts';
import { percentile, round, startDemoStores, startProcess, stopProcess, writeResults } from './harness.ts';

const OPEN = Number(process.env.BENCH_OPEN ?? 10_000);
const CLOSED = Number(process.env.BENCH_CLOSED ?? 40_000);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 200);
const SECONDS = Number(process.env.BENCH_DURATION_SEC ?? 15);

/** Copies of the demo tickets until `count` of them: each with its own _id, number and intake key. */
async function multiply(templates: TicketDoc[], count: number, tag: string): Promise<void> {
  const batch: TicketDoc[] = [];
  for (let i = 0; i < count; i++) {
    const t = templates[i % templates.length]!;
    batch.push({ ...t, _id: new Types.ObjectId(), number: `${tag}-${i}`, intakeKey: `bench:${tag}:${i}` });
    if (batch.length === 1000 || i === count - 1) await Ticket.collection.insertMany(batch.splice(0) as never, { ordered: false });
  }
}

async function main() {
  const { stores, env, port } = await startDemoStores();
  const all = await Ticket.find({}).lean<TicketDoc[]>();
  const open = all.filter((t) => BOARD_STATUSES.includes(t.status));
  const closed = all.filter((t) => t.status === 'closed');
  console.log(`multiplying ${open.length} open and ${closed.length} closed demo tickets to ${OPEN} + ${CLOSED}…`);
  const t0 = performance.now();
  await multiply(open, Math.max(0, OPEN - open.length), 'open');
  await multiply(closed, Math.max(0, CLOSED - closed.length), 'closed');
  console.log(`inserted in ${round((performance.now() - t0) / 1000)} s`);

  // One scan, as the server makes it (in this process: no HTTP, no Redis).
  const scans: number[] = [];
  const openSeen = await Ticket.countDocuments({ status: { $in: BOARD_STATUSES } });
  for (let i = 0; i < 3; i++) {
    const s0 = performance.now();
    await computeBoard(new Date());
    scans.push(performance.now() - s0);
  }
  scans.sort((a, b) => a - b);
  console.log(`one scan of ${openSeen} open tickets: ${round(scans[1]!)} ms`);

  // What a server does after its first scan: re-read only the tickets the change log names (here 100 of them).
  const redis = new Redis(env.REDIS_URL!);
  const prefix = 'bench-board';
  await redis.set(`${changeLogKey(prefix)}:from`, String(Date.now() - 60_000)); // a log kept for a while, as in a running center
  const service = new BoardService({ redis, prefix, boardIntervalMs: 0 });
  const manager = { id: 'bench', name: '值班长', role: 'manager' as const, unitId: 'center', atCenter: true };
  await service.boardFor(manager, Date.now());
  const changedIds = (await Ticket.find({ status: { $in: BOARD_STATUSES } }, { _id: 1 }).limit(100).lean()).map((t) => String(t._id));
  for (const id of changedIds) recordChange(redis, prefix, id);
  const i0 = performance.now();
  await service.openTickets.at(Date.now());
  const incrementalMs = performance.now() - i0;
  console.log(`the next board with ${changedIds.length} changed tickets: ${round(incrementalMs)} ms (full scans: ${service.openTickets.fullScans})`);
  redis.disconnect();

  const server = await startProcess('server/main.ts', env, port);
  const url = `http://127.0.0.1:${port}`;
  try {
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'manager', password: DEMO_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    // The first request after the server starts waits for its first scan; the viewers come after it.
    const f0 = performance.now();
    await (await fetch(`${url}/api/v1/board`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
    const firstBoardMs = performance.now() - f0;
    const scansBefore = await scanCount(url);
    console.log(`${VIEWERS} managers' consoles asking for the board for ${SECONDS} s…`);
    const latencies: number[] = [];
    let errors = 0;
    const until = performance.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: VIEWERS }, async () => {
        while (performance.now() < until) {
          const r0 = performance.now();
          const res = await fetch(`${url}/api/v1/board`, { headers: { authorization: `Bearer ${token}` } });
          await res.arrayBuffer();
          if (res.status === 200) latencies.push(performance.now() - r0);
          else errors++;
          // A console re-asks about once a second (live events fold into at most one request a second).
          await new Promise((r) => setTimeout(r, 1000));
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const results = {
      openTickets: openSeen,
      totalTickets: await Ticket.estimatedDocumentCount(),
      scanMs: round(scans[1]!),
      scanMsPerOpenTicket: round(scans[1]! / Math.max(1, openSeen), 3),
      incrementalMs: round(incrementalMs),
      incrementalChanged: changedIds.length,
      firstBoardMs: round(firstBoardMs),
      viewers: VIEWERS,
      requests: latencies.length,
      errors,
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies.at(-1) ?? NaN),
      computationsDuringRun: (await scanCount(url)) - scansBefore,
      seconds: SECONDS,
    };
    console.table(results);
    writeResults('board', results);
  } finally {
    await stopProcess(server);
    await disconnectMongo();
    await stores.stop();
  }
}

/** How many boards the server has computed (its Prometheus histogram's count). */
async function scanCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('board_computation_seconds_count') && l.includes('"board"'));
  return line ? Number(line.split(' ').at(-1)) : 0; // no line before the first scan
}

await main();
