import type { Queue } from 'bullmq';
import { Types } from 'mongoose';
import { Ticket } from '../data/models/index.ts';
import { enqueueRouting, routingJobId } from './queues.ts';

/**
 * Enqueue every ticket still waiting for routing that has no routing job:
 * those created while Redis was down, or lost with a Redis flush. The job id
 * is deterministic, so a ticket that does have a job is never added twice.
 * `since` limits the look to tickets created from then on, by _id (ObjectIds
 * begin with their creation time): on FerretDB that is an index range instead
 * of a scan of every ticket.
 */
export async function reconcileRouting(queue: Queue, opts: { graceMs?: number; batch?: number; since?: Date } = {}) {
  const cutoff = new Date(Date.now() - (opts.graceMs ?? 5000));
  const batch = opts.batch ?? 500;
  let checked = 0;
  let enqueued = 0;
  let after: { createdAt: Date; _id: unknown } | null = null;
  for (;;) {
    const filter: Record<string, unknown> = { status: 'new', createdAt: { $lt: cutoff } };
    if (opts.since) filter._id = { $gte: Types.ObjectId.createFromTime(Math.floor(opts.since.getTime() / 1000)) };
    if (after) filter.$or = [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, _id: { $gt: after._id } }];
    const rows = await Ticket.find(filter, { _id: 1, createdAt: 1 }).sort({ createdAt: 1, _id: 1 }).limit(batch).lean();
    if (rows.length === 0) break;
    checked += rows.length;
    const jobs = await Promise.all(rows.map((t) => queue.getJob(routingJobId(t._id.toHexString()))));
    for (const [i, t] of rows.entries()) {
      if (jobs[i]) continue;
      await enqueueRouting(queue, t._id.toHexString());
      enqueued++;
    }
    const last = rows.at(-1)!;
    after = { createdAt: last.createdAt, _id: last._id };
    if (rows.length < batch) break;
  }
  return { checked, enqueued };
}
