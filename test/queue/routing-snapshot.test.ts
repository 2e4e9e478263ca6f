import test from 'ava';
import { Queue, type Job } from 'bullmq';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Ticket, TicketChange } from '../../server/data/models/index.ts';
import { MAX_READ_AGE_MS } from '../../server/data/tickets.ts';
import { QUEUES, routingJobId, routingSnapshot, type RoutingJob } from '../../server/queue/queues.ts';
import { routingProcessor } from '../../workers/routing.ts';

/**
 * Intake puts the ticket as created into its routing job, and the worker
 * routes from that copy without reading the ticket back. The copy is only
 * trusted through the change's version guard: a ticket changed since intake
 * is decided again as it is now.
 */
let app: TestApp;
let queue: Queue;
test.before(async () => {
  app = await startTestApp(); // no workers: jobs wait in the queue until the test runs them
  queue = new Queue(QUEUES.routing, { connection: { url: app.env.REDIS_URL! }, prefix: app.env.REDIS_PREFIX! });
});
test.after.always(async () => {
  await queue?.close();
  await app?.stop();
});

async function logged(content: string): Promise<{ id: string; job: RoutingJob }> {
  const r = await app.api('POST', '/api/v1/tickets', { token: await app.login('op'), body: { caller: { phone: '13900006666' }, type: 'help', content, address: '东湖区湖滨街道' } });
  const id = r.body.ticket.id as string;
  const job = await queue.getJob(routingJobId(id));
  return { id, job: job!.data as RoutingJob };
}
const run = (data: RoutingJob, timestamp = Date.now()) => routingProcessor({ data, timestamp, attemptsMade: 0, opts: { attempts: 10 } } as Job<RoutingJob>);

test.serial('the routing job carries the ticket as intake stored it', async (t) => {
  const { id, job } = await logged('湖滨街道幸福里小区路灯不亮');
  const copy = routingSnapshot(job)!;
  const stored = (await Ticket.findById(id).lean())!;
  t.deepEqual(copy, stored, 'ObjectIds, dates and numbers come back as stored');
  t.is(copy.version, 1);
  const outcome = await run(job);
  t.true(['dispatched', 'parked'].includes(outcome), outcome);
  const after = (await Ticket.findById(id).lean())!;
  t.is(after.version, 2);
  t.not(after.status, 'new');
});

test.serial('a ticket dispatched by hand before its job ran is not routed again from the stale copy', async (t) => {
  const { id, job } = await logged('湖滨街道幸福里小区门口井盖缺失');
  const manual = await app.api('POST', `/api/v1/tickets/${id}/actions/dispatch`, { token: await app.login('disp'), body: { version: 1, leadUnitId: 'dist-b' } });
  t.is(manual.status, 200, JSON.stringify(manual.body));
  t.is(await run(job), 'already-routed');
  const after = (await Ticket.findById(id).lean())!;
  t.is(after.version, 2, 'no further change');
  t.is(after.lead?.unitId, 'dist-b');
  t.is(after.history.filter((e) => e.type === 'dispatched').length, 1);
});

test.serial('an old job decides on the ticket as stored, not its copy: the claims that guard its version are gone by then', async (t) => {
  const { id, job } = await logged('湖滨街道幸福里小区路面塌陷');
  const manual = await app.api('POST', `/api/v1/tickets/${id}/actions/dispatch`, { token: await app.login('disp'), body: { version: 1, leadUnitId: 'dist-b' } });
  t.is(manual.status, 200, JSON.stringify(manual.body));
  // What the sweep does to the claim of version 2 an hour later (sweepClaims).
  await TicketChange.deleteOne({ _id: `${id}:2` });
  t.is(await run(job, Date.now() - MAX_READ_AGE_MS - 1000), 'already-routed');
  const after = (await Ticket.findById(id).lean())!;
  t.is(after.version, 2);
  t.is(after.lead?.unitId, 'dist-b');
  t.is(await TicketChange.countDocuments({ ticketId: after._id }), 0, 'and claims nothing');
});

test.serial('a job whose ticket is gone ends as missing, not as a failure retried ten times', async (t) => {
  const { id, job } = await logged('湖滨街道某小区门前积水');
  await Ticket.deleteOne({ _id: id });
  t.is(await run(job), 'missing');
});
