import type { Queue } from 'bullmq';
import { Types } from 'mongoose';
import { Ticket } from '../data/models/index.ts';
import { enqueueRouting, routingJobId } from './queues.ts';

/**
 * Enqueue every ticket still waiting for routing that has no routing job:
 * those created while Redis was down, or lost with a Redis flush. The job id
 * is deterministic, so a ticket that does have a job is never added twice.
 * The look is an _id range (ObjectIds begin with their creation time): from
 * `since` when given, and up to the grace before now, so on FerretDB neither
 * older nor younger tickets are read at all.
 * One unsorted cursor pass: FerretDB sorts in memory after reading every
 * matching ticket, so paging by a sort key read the tickets once per page.
 */
export async function reconcileRouting(queue: Queue, opts: { graceMs?: number; batch?: number; since?: Date } = {}) {
  const cutoff = new Date(Date.now() - (opts.graceMs ?? 5000));
  const batch = opts.batch ?? 500;
  const idAt = (d: Date) => Types.ObjectId.createFromTime(Math.floor(d.getTime() / 1000));
  const filter: Record<string, unknown> = {
    status: 'new',
    createdAt: { $lt: cutoff },
    _id: { ...(opts.since ? { $gte: idAt(opts.since) } : {}), $lt: idAt(cutoff) },
  };
  let checked = 0;
  let enqueued = 0;
  const enqueueMissing = async (ids: string[]) => {
    checked += ids.length;
    const jobs = await Promise.all(ids.map((id) => queue.getJob(routingJobId(id))));
    for (const [i, id] of ids.entries()) {
      if (jobs[i]) continue;
      await enqueueRouting(queue, id);
      enqueued++;
    }
  };
  const ids: string[] = [];
  for await (const t of Ticket.find(filter, { _id: 1 }).lean().batchSize(batch).cursor()) {
    ids.push(String(t._id));
    if (ids.length >= batch) await enqueueMissing(ids.splice(0));
  }
  await enqueueMissing(ids);
  return { checked, enqueued };
}
