import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { startTestApp, eventually, type TestApp } from '../helpers/harness.ts';
import { PROJECT_ROOT } from '../../scripts/stores.ts';
import { Ticket } from '../../server/data/models/index.ts';

/**
 * Kill the routing worker process with SIGKILL in the middle of a batch and
 * start another: every ticket ends routed exactly once (one dispatched or
 * parked event), none is lost.
 */
let app: TestApp;
test.before(async () => {
  app = await startTestApp({ env: { JOB_LOCK_MS: '2000' } });
});
test.after.always(async () => app?.stop());

function workerProcess(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...app.env, LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
}

test('a worker killed mid-batch loses nothing and dispatches nothing twice', async (t) => {
  const token = await app.login('op');
  const ids: string[] = [];
  for (let i = 0; i < 600; i++) {
    const r = await app.api('POST', '/api/v1/tickets', {
      token,
      body: { caller: { phone: `1390000${String(i).padStart(4, '0')}` }, type: 'help', content: `第${i}件：东湖区湖滨街道路灯不亮`, address: '东湖区湖滨街道' },
    });
    ids.push(r.body.ticket.id);
  }
  const first = workerProcess();
  // Killed as soon as the first routed tickets land: with hundreds of jobs in flight they land a batch (≤ 64) at a time.
  await eventually(async () => (await Ticket.countDocuments({ _id: { $in: ids }, status: { $ne: 'new' } })) >= 1, 60_000, 10);
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const doneAtKill = await Ticket.countDocuments({ _id: { $in: ids }, status: { $ne: 'new' } });
  t.true(doneAtKill < ids.length, `killed mid-batch (${doneAtKill} of ${ids.length} routed)`);
  t.log(`killed with ${doneAtKill} of ${ids.length} routed`);

  const second = workerProcess();
  try {
    await eventually(async () => (await Ticket.countDocuments({ _id: { $in: ids }, status: 'new' })) === 0, 90_000, 100);
  } finally {
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
  }
  const tickets = await Ticket.find({ _id: { $in: ids } }, { history: 1, number: 1, version: 1 }).lean();
  t.is(tickets.length, ids.length);
  for (const tk of tickets) {
    const routed = tk.history.filter((h) => h.type === 'dispatched' || h.type === 'routing_parked');
    t.is(routed.length, 1, tk.number);
    tk.history.forEach((h, i) => t.is(h.seq, i + 1));
  }
});
