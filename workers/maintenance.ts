import type { Job } from 'bullmq';
import { reconcileRouting } from '../server/queue/reconcile.ts';
import { logger } from '../server/logger.ts';
import { getWorkerContext } from './context.ts';
import { reconcileTimersJob } from './timers.ts';
import { retrainClassifier } from '../server/services/classifier.ts';

/**
 * When this process last finished a routing reconcile. The first run of a
 * process looks at every ticket; later ones at those created since the last
 * run (with a margin): a Redis outage stops the reconcile jobs too, so the
 * run after it still covers the whole outage.
 */
let routingReconciledAt: number | null = null;
const RECONCILE_MARGIN_MS = 10 * 60_000;

/** Redis lost its jobs (schedulers found gone): the next routing reconcile looks at every ticket. */
export function forgetRoutingReconcile(): void {
  routingReconciledAt = null;
}

/** Periodic housekeeping jobs (scheduled by workers/main.ts). */
export async function maintenanceProcessor(job: Job): Promise<unknown> {
  switch (job.name) {
    case 'reconcile-routing': {
      const startedAt = Date.now();
      const since = routingReconciledAt === null ? undefined : new Date(routingReconciledAt - RECONCILE_MARGIN_MS);
      const res = await reconcileRouting(getWorkerContext().routingQueue, since ? { since } : {});
      routingReconciledAt = startedAt;
      if (res.enqueued) logger.info(res, 'reconcile: enqueued tickets missed while Redis was away');
      return res;
    }
    case 'reconcile-timers':
      return reconcileTimersJob();
    case 'retrain-classifier':
      // On a schedule and on an admin's demand (POST /api/v1/admin/classifier/retrain).
      return retrainClassifier();
    default:
      throw new Error(`maintenance: unknown job "${job.name}"`);
  }
}
