/**
 * `npm run bench:dispatch`: intake to dispatched. The server and the workers
 * run as their own processes on the demo data (江州市 catalogue, classifier
 * trained on the demo history). Calls are posted at a fixed 100/s; the time
 * runs from sending the call to receiving the ticket's `dispatched` (or
 * `parked`) event on a console socket. Then the routing worker's maximum
 * throughput: a backlog routed as fast as it goes. Writes
 * bench-results/dispatch.json.
 */
import { io as connect } from 'socket.io-client';
import { disconnectMongo } from '../../server/data/db.ts';
import { Ticket } from '../../server/data/models/index.ts';
import { retrainClassifier } from '../../server/services/classifier.ts';
import { DEMO_PASSWORD } from '../seed/index.ts';
import { cpuMs, percentile, postJson, round, startDemoStores, startProcess, stopProcess, writeResults } from './harness.ts';

const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_DURATION_SEC ?? 20);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 3000);
/** Unmeasured calls at the same rate first: the workers' start-up work (first timer-schedule build, first reconcile) and JIT warm-up. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SEC ?? 10);

interface Call {
  caller: { name?: string; phone: string };
  type: string;
  urgency: string;
  title?: string;
  content: string;
  address?: string;
  categoryCode?: string;
}

async function main() {
  const { stores, env, port } = await startDemoStores();
  const trained = await retrainClassifier();
  console.log(`classifier trained on ${trained?.records ?? 0} closed demo tickets`);
  // The request pool: what the demo citizens wrote (half with the operator's category, half without).
  const pool: Call[] = (await Ticket.find({}, { caller: 1, type: 1, urgency: 1, title: 1, content: 1, location: 1, category: 1 }).lean()).map((t, i) => ({
    caller: { phone: t.caller.phone, ...(t.caller.name ? { name: t.caller.name } : {}) },
    type: t.type,
    urgency: t.urgency,
    content: t.content,
    ...(t.title ? { title: t.title } : {}),
    ...(t.location?.address ? { address: t.location.address } : {}),
    ...(i % 2 === 0 && t.category?.code ? { categoryCode: t.category.code } : {}),
  }));

  const server = await startProcess('server/main.ts', env, port);
  let workers = await startProcess('workers/main.ts', env);
  const url = `http://127.0.0.1:${port}`;
  try {
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'operator1', password: DEMO_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const socket = connect(url, { auth: { token }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });

    const sentAt = new Map<string, number>();
    const routedAt = new Map<string, number>();
    const outcome = { dispatched: 0, parked: 0 };
    // The `created` event splits the time: intake (sent → stored and announced), then routing (→ dispatched).
    const createdAt = new Map<string, number>();
    socket.on('ticket', (e: { type: string; ticketId: string }) => {
      if (e.type === 'created' && !createdAt.has(e.ticketId)) createdAt.set(e.ticketId, performance.now());
      if ((e.type === 'dispatched' || e.type === 'parked') && !routedAt.has(e.ticketId)) {
        routedAt.set(e.ticketId, performance.now());
        outcome[e.type === 'dispatched' ? 'dispatched' : 'parked']++;
      }
    });

    const post = async (call: Call) => {
      const t0 = performance.now();
      const res = await postJson<{ ticket?: { id: string } }>(`${url}/api/v1/tickets`, call, { authorization: `Bearer ${token}` });
      if (res.body.ticket) sentAt.set(res.body.ticket.id, t0);
      return res.status;
    };

    console.log(`${WARMUP_SECONDS} s warm-up, then ${RATE} calls/s for ${SECONDS} s…`);
    const atRate = async (n: number, from: number) => {
      const t0 = performance.now();
      const inflight: Promise<number>[] = [];
      for (let i = 0; i < n; i++) {
        const wait = t0 + (i * 1000) / RATE - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inflight.push(post(pool[(from + i) % pool.length]!));
      }
      return { start: t0, statuses: await Promise.all(inflight) };
    };
    await atRate(RATE * WARMUP_SECONDS, 0);
    const warmedBy = Date.now() + 60_000;
    while ([...sentAt.keys()].some((id) => !routedAt.has(id)) && Date.now() < warmedBy) await new Promise((r) => setTimeout(r, 100));
    sentAt.clear();
    routedAt.clear();
    const total = RATE * SECONDS;
    // How busy each process is at this rate (% of one core): the 2 cores are shared by all of them, the load generator included.
    const pids = { ferretdb: stores.pids.ferretdb, redis: stores.pids.redis, server: server.pid, worker: workers.pid, loadGenerator: process.pid };
    const busyFrom = { at: performance.now(), cpu: Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)])) };
    const { start, statuses } = await atRate(total, RATE * WARMUP_SECONDS);
    const busySpan = performance.now() - busyFrom.at;
    const cpuPctAtRate = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, round(((cpuMs(pid) - busyFrom.cpu[k]!) / busySpan) * 100)]));
    console.log(`CPU % of one core while sending ${RATE}/s: ${JSON.stringify(cpuPctAtRate)}`);
    const deadline = Date.now() + 30_000;
    while ([...sentAt.keys()].some((id) => !routedAt.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const latencies = [...sentAt].filter(([id]) => routedAt.has(id)).map(([id, t0]) => routedAt.get(id)! - t0).sort((a, b) => a - b);
    const lost = sentAt.size - latencies.length;
    const routed = [...sentAt.keys()].filter((id) => routedAt.has(id) && createdAt.has(id));
    const intakeMs = routed.map((id) => createdAt.get(id)! - sentAt.get(id)!).sort((a, b) => a - b);
    const routingMs = routed.map((id) => routedAt.get(id)! - createdAt.get(id)!).sort((a, b) => a - b);
    // The worst latency of each second of the run: a stall shows where it happened.
    const worstBySecond = new Map<number, number>();
    for (const [id, t0] of sentAt) {
      const s = Math.floor((t0 - start) / 1000);
      const ms = (routedAt.get(id) ?? Infinity) - t0;
      worstBySecond.set(s, Math.max(worstBySecond.get(s) ?? 0, ms));
    }
    console.log(`worst latency per second of the run (ms): ${[...worstBySecond].sort((a, b) => a[0] - b[0]).map(([, ms]) => Math.round(ms)).join(' ')}`);

    console.log(`routing throughput: ${BACKLOG} calls queued with the workers stopped, then routed…`);
    await stopProcess(workers);
    for (let i = 0; i < BACKLOG; i += 50) await Promise.all(pool.slice(0, 50).map((c) => post(c)));
    const backlogIds = [...sentAt.keys()].filter((id) => !routedAt.has(id));
    // CPU time each process spends on the backlog (the new workers process from its start, start-up included).
    const cpuBefore = { ferretdb: cpuMs(stores.pids.ferretdb), redis: cpuMs(stores.pids.redis), server: cpuMs(server.pid) };
    const t1 = performance.now();
    workers = await startProcess('workers/main.ts', env);
    console.log(`backlog of ${backlogIds.length} queued; routing it…`);
    while (backlogIds.some((id) => !routedAt.has(id)) && performance.now() - t1 < 300_000) await new Promise((r) => setTimeout(r, 50));
    const firstRouted = Math.min(...backlogIds.map((id) => routedAt.get(id) ?? Infinity));
    const lastRouted = Math.max(...backlogIds.map((id) => routedAt.get(id) ?? 0));
    const routedPerSec = backlogIds.length / ((lastRouted - firstRouted) / 1000);
    const perTicket = (ms: number) => round(ms / backlogIds.length, 2);
    const cpuMsPerRoutedTicket = {
      ferretdb: perTicket(cpuMs(stores.pids.ferretdb) - cpuBefore.ferretdb),
      worker: perTicket(cpuMs(workers.pid)),
      redis: perTicket(cpuMs(stores.pids.redis) - cpuBefore.redis),
      server: perTicket(cpuMs(server.pid) - cpuBefore.server),
    };
    console.log(`CPU ms per routed ticket: ${JSON.stringify(cpuMsPerRoutedTicket)}`);
    // The rate once the workers are up: the middle 80% of the backlog (the first seconds after a start
    // are the workers' own start-up work and JIT; the tail is the last jobs finishing).
    const times = backlogIds.map((id) => routedAt.get(id)).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    const [from, to] = [Math.floor(times.length * 0.1), Math.floor(times.length * 0.9)];
    const steadyRoutedPerSec = (to - from) / ((times[to]! - times[from]!) / 1000);
    socket.close();

    const results = {
      rate: RATE,
      calls: total,
      non201: statuses.filter((s) => s !== 201).length,
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies.at(-1) ?? NaN),
      intakeP50Ms: round(percentile(intakeMs, 50)),
      intakeP99Ms: round(percentile(intakeMs, 99)),
      routingP50Ms: round(percentile(routingMs, 50)),
      routingP99Ms: round(percentile(routingMs, 99)),
      eventsMissing: lost,
      autoDispatched: outcome.dispatched,
      parked: outcome.parked,
      routedPerSec: round(routedPerSec),
      steadyRoutedPerSec: round(steadyRoutedPerSec),
      cpuMsPerRoutedTicket,
      cpuPctAtRate,
      backlog: backlogIds.length,
    };
    console.table(Object.fromEntries(Object.entries(results).filter(([, v]) => typeof v !== 'object')));
    writeResults('dispatch', results);
  } finally {
    await stopProcess(workers);
    await stopProcess(server);
    await disconnectMongo();
    await stores.stop();
  }
}

await main();
