import type { Job, Queue } from 'bullmq';
import { reconcileRouting } from '../server/queue/reconcile.ts';
import { logger } from '../server/logger.ts';
import { getWorkerContext } from './context.ts';
import { reconcileTimersJob } from './timers.ts';
import { retrainClassifier } from '../server/services/classifier.ts';
import { sweepClaims } from '../server/data/tickets.ts';

/**
 * The periodic run leaves tickets younger than two of its intervals to the jobs intake gave them: while
 * the workers work through a backlog (a restart during a peak) every waiting ticket is `new`, and reading
 * them all again every run only to find their jobs took store time from routing them (measured: 4,050
 * tickets read in the first 10 s of a 6,000-ticket backlog). A ticket whose enqueue failed is found by the
 * next run instead (and at once after a Redis outage: workers/main.ts).
 * How far before the last run's start a run looks back: past that grace, plus a ticket stored a little
 * after its _id (and createdAt) is taken and server clocks that differ by seconds. Every run re-reads the
 * tickets of this window (on FerretDB a scan of the _id range: at 100 tickets/s a 10-minute margin meant
 * 60,000 tickets every 30 s).
 */
function reconcileWindow(intervalMs: number): { graceMs: number; marginMs: number } {
  const graceMs = 2 * intervalMs;
  return { graceMs, marginMs: Math.max(2 * 60_000, graceMs + 2 * intervalMs) };
}

/**
 * When the last routing reconcile started, kept in Redis beside the routing
 * jobs: a run looks at tickets created since then (with a margin), and a Redis
 * flush or loss — the only way jobs go missing — takes the mark with the jobs,
 * so the next run looks at every ticket. A restarted worker does not rescan
 * (on FerretDB a scan of every ticket costs ~0.5 ms each).
 */
const reconciledAtKey = (queue: Queue) => queue.toKey('reconciled-at');

async function reconcileRoutingSinceLastRun(queue: Queue, intervalMs: number) {
  const client = await queue.getBackend().client;
  const startedAt = Date.now();
  const last = Number(await client.get(reconciledAtKey(queue)));
  const { graceMs, marginMs } = reconcileWindow(intervalMs);
  const since = last > 0 ? new Date(last - marginMs) : undefined;
  const res = await reconcileRouting(queue, { graceMs, ...(since ? { since } : {}) });
  await client.set(reconciledAtKey(queue), String(startedAt));
  return res;
}

/** Periodic housekeeping jobs (scheduled by workers/main.ts). */
export async function maintenanceProcessor(job: Job): Promise<unknown> {
  switch (job.name) {
    case 'reconcile-routing': {
      const { routingQueue, reconcileIntervalMs } = getWorkerContext();
      const res = await reconcileRoutingSinceLastRun(routingQueue, reconcileIntervalMs);
      if (res.enqueued) logger.info(res, 'reconcile: enqueued tickets missed while Redis was away');
      return res;
    }
    case 'reconcile-timers':
      return reconcileTimersJob();
    case 'retrain-classifier':
      // On a schedule and on an admin's demand (POST /api/v1/admin/classifier/retrain).
      return retrainClassifier();
    case 'sweep-claims': {
      const res = await sweepClaims();
      if (res.rolledForward) logger.warn(res, 'claims: changes whose writer died were rolled forward');
      return res;
    }
    default:
      throw new Error(`maintenance: unknown job "${job.name}"`);
  }
}
