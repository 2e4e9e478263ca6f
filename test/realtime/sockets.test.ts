/**
 * The console's live channel across two server nodes on one Redis: node A runs
 * in this process (startTestApp), node B is a separate `server/main.ts`
 * process on the same database, Redis prefix and secret. Events published on
 * A (through the Redis emitter) must reach sockets on B, and a unit must never
 * receive another unit's event.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { io as connect, type Socket } from 'socket.io-client';
import { eventually, startTestApp, type TestApp } from '../helpers/harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface TicketEvent {
  type: string;
  ticketId: string;
  number: string;
  version: number;
  status: string;
}

interface Client {
  socket: Socket;
  events: TicketEvent[];
  rooms: string[];
}

let a: TestApp;
let b: ChildProcess;
let bUrl: string;
const clients: Socket[] = [];

async function startNodeB(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const port = await getPort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    try {
      return (await fetch(`${url}/health`)).status === 200;
    } catch {
      return false;
    }
  }, 60_000, 200);
  return { child, url };
}

async function client(url: string, token: string | undefined): Promise<Client> {
  const socket = connect(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
  clients.push(socket);
  const c: Client = { socket, events: [], rooms: [] };
  socket.on('ticket', (e: TicketEvent) => c.events.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once('hello', (h: { rooms: string[] }) => {
      c.rooms = h.rooms;
      resolve();
    });
    socket.once('connect_error', reject);
  });
  return c;
}

function watch(c: Client, ticketId: string): Promise<{ ok: boolean; error?: { code: string } }> {
  return c.socket.timeout(5000).emitWithAck('watch', { ticketId });
}

test.before(async () => {
  a = await startTestApp();
  const nodeB = await startNodeB(a.env);
  b = nodeB.child;
  bUrl = nodeB.url;
});

test.after.always(async () => {
  for (const s of clients) s.close();
  if (b && b.exitCode === null) {
    await new Promise<void>((resolve) => {
      b.once('exit', () => resolve());
      b.kill('SIGTERM');
    });
  }
  await a?.stop();
});

test.serial('a socket without a valid token is refused', async (t) => {
  const err = await t.throwsAsync(client(bUrl, undefined));
  t.regex(err!.message, /登录/);
  const bad = await t.throwsAsync(client(a.url, 'not.a.token'));
  t.regex(bad!.message, /无效/);
});

test.serial('rooms follow role and unit; events cross nodes; a unit never gets another unit’s event', async (t) => {
  const [op, disp, ha, hb] = await Promise.all([a.login('op'), a.login('disp'), a.login('h-a'), a.login('h-b')]);
  const dispOnB = await client(bUrl, disp);
  const haOnB = await client(bUrl, ha);
  const hbOnA = await client(a.url, hb);
  const hbOnB = await client(bUrl, hb);
  t.deepEqual(dispOnB.rooms, ['hotline']);
  t.deepEqual(haOnB.rooms, ['unit:dist-a']);
  t.deepEqual(hbOnA.rooms, ['unit:dist-b']);

  // A call logged on node A reaches the hotline staff on node B.
  const created = await a.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { phone: '13800001111', name: '张先生' }, type: 'complaint', content: '小区门口路灯不亮，晚上很危险' },
  });
  t.is(created.status, 201);
  const ticket = created.body.ticket;
  const seen = await eventually(async () => dispOnB.events.find((e) => e.ticketId === ticket.id && e.type === 'created'), 5000);
  t.is(seen.number, ticket.number);
  t.is(seen.version, 1);
  t.false('caller' in seen, 'events carry no caller data');

  // Dispatched to 东湖区 on node A: the 东湖区 handler on node B hears it, 西城区 on neither node.
  const dispatched = await a.api('POST', `/api/v1/tickets/${ticket.id}/actions/dispatch`, {
    token: disp,
    body: { version: ticket.version, leadUnitId: 'dist-a' },
  });
  t.is(dispatched.status, 200, JSON.stringify(dispatched.body));
  const got = await eventually(async () => haOnB.events.find((e) => e.ticketId === ticket.id && e.type === 'dispatched'), 5000);
  t.is(got.version, dispatched.body.ticket.version);
  t.is(got.status, 'dispatched');
  await eventually(async () => dispOnB.events.some((e) => e.ticketId === ticket.id && e.type === 'dispatched'), 5000);

  // The creation event went to the hotline only.
  t.false(haOnB.events.some((e) => e.type === 'created'));

  // 西城区 may not watch 东湖区's ticket; 东湖区 may.
  const refused = await watch(hbOnB, ticket.id);
  t.false(refused.ok);
  t.is(refused.error?.code, 'forbidden');
  t.true((await watch(haOnB, ticket.id)).ok);
  t.is((await watch(hbOnA, '0123456789abcdef01234567')).error?.code, 'not_found');

  // A second ticket for 西城区 reaches its handler on both nodes, never 东湖区.
  const second = await a.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { phone: '13800002222' }, type: 'help', content: '西城区某路段积水严重' },
  });
  await a.api('POST', `/api/v1/tickets/${second.body.ticket.id}/actions/dispatch`, {
    token: disp,
    body: { version: second.body.ticket.version, leadUnitId: 'dist-b' },
  });
  await eventually(async () => hbOnA.events.some((e) => e.ticketId === second.body.ticket.id), 5000);
  await eventually(async () => hbOnB.events.some((e) => e.ticketId === second.body.ticket.id), 5000);
  // Give any stray delivery time to arrive before checking it did not.
  await new Promise((r) => setTimeout(r, 300));
  t.false(haOnB.events.some((e) => e.ticketId === second.body.ticket.id), '东湖区 never hears of 西城区 tickets');
  t.false(hbOnA.events.some((e) => e.ticketId === ticket.id), '西城区 never hears of 东湖区 tickets (node A)');
  t.false(hbOnB.events.some((e) => e.ticketId === ticket.id), '西城区 never hears of 东湖区 tickets (node B)');
});

test.serial('a ticket room delivers the ticket’s events to a watcher in scope', async (t) => {
  const [op, disp, mgrA] = await Promise.all([a.login('op'), a.login('disp'), a.login('mgr-a')]);
  // A district manager sees its street's tickets through the unit room of the district.
  const mgrOnB = await client(bUrl, mgrA);
  t.deepEqual(mgrOnB.rooms, ['unit:dist-a']);
  const created = await a.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { phone: '13800003333' }, type: 'complaint', content: '湖滨街道夜间施工噪音扰民' },
  });
  const ticket = created.body.ticket;
  await a.api('POST', `/api/v1/tickets/${ticket.id}/actions/dispatch`, { token: disp, body: { version: ticket.version, leadUnitId: 'st-a1' } });
  await eventually(async () => mgrOnB.events.some((e) => e.ticketId === ticket.id && e.type === 'dispatched'), 5000);
  t.pass();
});

test.serial('a watcher whose unit loses the ticket to a re-dispatch hears no more of it', async (t) => {
  const [op, disp, ha, hb] = await Promise.all([a.login('op'), a.login('disp'), a.login('h-a'), a.login('h-b')]);
  const haOnB = await client(bUrl, ha);
  const hbOnA = await client(a.url, hb);
  const created = await a.api('POST', '/api/v1/tickets', {
    token: op,
    body: { caller: { phone: '13800004444' }, type: 'help', content: '东湖区某小区门前道路破损' },
  });
  const ticket = created.body.ticket;
  const first = await a.api('POST', `/api/v1/tickets/${ticket.id}/actions/dispatch`, { token: disp, body: { version: ticket.version, leadUnitId: 'dist-a' } });
  t.is(first.status, 200, JSON.stringify(first.body));
  t.true((await watch(haOnB, ticket.id)).ok);

  const moved = await a.api('POST', `/api/v1/tickets/${ticket.id}/actions/redispatch`, {
    token: disp,
    body: { version: first.body.ticket.version, leadUnitId: 'dist-b', reason: '地址属西城区' },
  });
  t.is(moved.status, 200, JSON.stringify(moved.body));
  await eventually(async () => hbOnA.events.some((e) => e.ticketId === ticket.id && e.type === 'dispatched'), 5000);
  const heardBefore = haOnB.events.filter((e) => e.ticketId === ticket.id).length;

  // 西城区 accepts: 东湖区's old watcher must not hear it (it left the ticket room at the re-dispatch).
  const accepted = await a.api('POST', `/api/v1/tickets/${ticket.id}/actions/accept`, { token: hb, body: { version: moved.body.ticket.version } });
  t.is(accepted.status, 200, JSON.stringify(accepted.body));
  await eventually(async () => hbOnA.events.some((e) => e.ticketId === ticket.id && e.type === 'accepted'), 5000);
  await new Promise((r) => setTimeout(r, 300));
  t.is(haOnB.events.filter((e) => e.ticketId === ticket.id).length, heardBefore);
  t.false(haOnB.events.some((e) => e.ticketId === ticket.id && e.type === 'accepted'));
  t.false(haOnB.events.some((e) => e.ticketId === ticket.id && e.version === moved.body.ticket.version), 'not even the re-dispatch itself');
});
