/**
 * `npm run bench:sockets`: live-console fan-out (issue 5). Two server nodes
 * (`server/main.ts` on two ports, same Redis and Mongo, default REDIS_PREFIX)
 * carry 1,000 Socket.IO clients between them, alternating node by node: unit
 * handlers of a few units plus some hotline staff, logged in once per demo
 * user (the token is reused by all that user's sockets). This process then
 * publishes ticket events with a real EventPublisher through its own Redis
 * connection, one at a time, each to `hotline` + one unit room, and times
 * publish → the LAST expected recipient (clients live in this process, so
 * performance.now() is one clock). A client receiving an event of a unit it
 * does not belong to is a violation. Also the RSS of each server process
 * (VmRSS) before and with the clients connected. Writes
 * bench-results/sockets.json.
 */
import { readFileSync } from 'node:fs';
import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { connectMongo, disconnectMongo, syncAllIndexes } from '../../server/data/db.ts';
import { createRedis } from '../../server/redis.ts';
import { EventPublisher, HOTLINE_ROOM, unitRoom, type TicketEvent } from '../../server/realtime/publish.ts';
import { seedDemo, DEMO_PASSWORD } from '../seed/index.ts';
import { freePort } from '../stores.ts';
import { percentile, round, startBenchStores, startProcess, stopProcess, writeResults } from './harness.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const WARMUP = 10;
const BATCH = 50;
const EVENT_TIMEOUT_MS = 2000;
/** Share of the sockets that are hotline staff (room `hotline`); the rest are unit handlers. */
const HOTLINE_SHARE = 0.1;

/** Units whose handlers connect, with their demo users (`${login}_a`, `${login}_b`). */
const UNITS: Array<{ unitId: string; users: string[] }> = [
  { unitId: 'st-dh-hb', users: ['dhhb_a', 'dhhb_b'] },
  { unitId: 'st-dh-dm', users: ['dhdm_a', 'dhdm_b'] },
  { unitId: 'st-jb-lj', users: ['jblj_a'] },
  { unitId: 'dept-zjj', users: ['zjj_a', 'zjj_b'] },
  { unitId: 'dept-cgj', users: ['cgj_a'] },
];
const HOTLINE_USERS = ['operator1', 'operator2', 'dispatcher1'];

interface Client {
  socket: Socket;
  node: number;
  /** The room this client should be in: `hotline` or `unit:<id>`. */
  room: string;
}

function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const stores = await startBenchStores();
  const ports = [await freePort(), await freePort()];
  await connectMongo(stores.env.MONGODB_URI!);
  await syncAllIndexes();
  await seedDemo();
  await disconnectMongo();

  // One after the other: both sync the same indexes at start.
  const servers = [];
  for (const [i, port] of ports.entries()) servers.push(await startProcess('server/main.ts', { ...stores.env, PORT: String(port), SERVICE_NAME: `bench-node${i + 1}` }, port));
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const redis = createRedis(stores.env.REDIS_URL!, 'producer');
  const clients: Client[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      if (redis.status === 'ready') return resolve();
      redis.once('ready', () => resolve());
      redis.once('error', reject);
    });
    const publisher = new EventPublisher(redis, 'hotline');

    // Log in each demo user once (alternating nodes; a token is good on both).
    const tokens = new Map<string, string>();
    for (const [i, username] of [...HOTLINE_USERS, ...UNITS.flatMap((u) => u.users)].entries()) {
      const res = await fetch(`${urls[i % 2]}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
      if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status}`);
      tokens.set(username, ((await res.json()) as { token: string }).token);
    }
    await sleep(1000);
    const rssIdle = servers.map((s) => rssMb(s.pid));

    // Who connects: every 1/HOTLINE_SHARE-th socket is hotline staff, the rest go round the units.
    const plan: Array<{ username: string; room: string }> = [];
    const every = Math.round(1 / HOTLINE_SHARE);
    for (let i = 0, h = 0, u = 0; i < CLIENTS; i++) {
      if (i % every === 0) {
        plan.push({ username: HOTLINE_USERS[h++ % HOTLINE_USERS.length]!, room: HOTLINE_ROOM });
      } else {
        const unit = UNITS[u % UNITS.length]!;
        plan.push({ username: unit.users[Math.floor(u / UNITS.length) % unit.users.length]!, room: unitRoom(unit.unitId) });
        u++;
      }
    }

    // Receipts: version → (client index → arrival time).
    const receipts = new Map<number, Map<number, number>>();
    /** version → the unit room it was published to. */
    const targetOf = new Map<number, string>();
    let violations = 0;
    let roomMismatches = 0;
    let disconnects = 0;

    console.log(`opening ${CLIENTS} sockets over ${servers.length} nodes, ${BATCH} at a time…`);
    const tOpen = performance.now();
    for (let b = 0; b < plan.length; b += BATCH) {
      await Promise.all(
        plan.slice(b, b + BATCH).map((p, j) => {
          const index = b + j;
          const node = index % 2;
          const socket = connect(urls[node]!, { auth: { token: tokens.get(p.username)! }, transports: ['websocket'], forceNew: true, reconnection: false });
          const client: Client = { socket, node, room: p.room };
          clients[index] = client;
          socket.on('ticket', (e: TicketEvent) => {
            const now = performance.now();
            const target = targetOf.get(e.version);
            if (target === undefined) return;
            if (client.room !== HOTLINE_ROOM && client.room !== target) violations++;
            let m = receipts.get(e.version);
            if (!m) receipts.set(e.version, (m = new Map()));
            if (!m.has(index)) m.set(index, now);
          });
          socket.on('disconnect', () => disconnects++);
          return new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`socket ${index}: no hello within 10 s`)), 10_000);
            socket.once('hello', (h: { rooms: string[] }) => {
              clearTimeout(timer);
              if (h.rooms.length !== 1 || h.rooms[0] !== p.room) roomMismatches++;
              resolve();
            });
            socket.once('connect_error', (err) => {
              clearTimeout(timer);
              reject(err);
            });
          });
        }),
      );
    }
    const openSec = (performance.now() - tOpen) / 1000;
    console.log(`${clients.length} sockets connected in ${openSec.toFixed(1)} s`);
    await sleep(1000);

    // Events, one at a time: hotline + one unit room, round the units.
    const latencies: number[] = [];
    let misses = 0;
    let version = 1_000_000;
    const expectedFor = (room: string) => clients.map((c, i) => (c.room === HOTLINE_ROOM || c.room === room ? i : -1)).filter((i) => i >= 0);
    console.log(`publishing ${WARMUP} warm-up + ${EVENTS} events…`);
    for (let n = 0; n < WARMUP + EVENTS; n++) {
      const unit = UNITS[n % UNITS.length]!;
      const room = unitRoom(unit.unitId);
      const expected = expectedFor(room);
      const v = ++version;
      targetOf.set(v, room);
      receipts.set(v, new Map());
      const got = receipts.get(v)!;
      const t0 = performance.now();
      publisher.publish({ _id: new Types.ObjectId(), number: `BENCH${v}`, version: v, status: 'dispatched', scopeUnitIds: [unit.unitId] }, 'changed');
      while (expected.some((i) => !got.has(i)) && performance.now() - t0 < EVENT_TIMEOUT_MS) await sleep(1);
      if (n < WARMUP) continue;
      const missing = expected.filter((i) => !got.has(i)).length;
      misses += missing;
      if (missing === 0) latencies.push(Math.max(...expected.map((i) => got.get(i)!)) - t0);
    }
    await sleep(500); // stragglers still count as violations
    const rssLoaded = servers.map((s) => rssMb(s.pid));
    latencies.sort((a, b) => a - b);

    const perEvent = expectedFor(unitRoom(UNITS[0]!.unitId)).length;
    const results = {
      clients: clients.length,
      nodes: servers.length,
      hotlineClients: clients.filter((c) => c.room === HOTLINE_ROOM).length,
      units: UNITS.length,
      recipientsPerEvent: perEvent,
      events: EVENTS,
      eventsComplete: latencies.length,
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies.at(-1) ?? NaN),
      targetP99Ms: 200,
      misses,
      violations,
      roomMismatches,
      disconnects,
      connectSec: round(openSec),
      /** RSS summed over the server nodes, with all clients connected. */
      serverRssMb: round(rssLoaded.reduce((a, b) => a + b, 0)),
      serverRssMbPerNode: rssLoaded.map((r) => round(r)),
      serverRssIdleMbPerNode: rssIdle.map((r) => round(r)),
      serverRssNote: 'serverRssMb is the SUM of the nodes\u2019 VmRSS at full load; per node and idle (before any socket) listed too',
    };
    console.table(results);
    writeResults('sockets', results);
  } finally {
    for (const c of clients) c.socket.close();
    redis.disconnect();
    for (const s of servers) await stopProcess(s);
    await stores.stop();
  }
}

await main();
