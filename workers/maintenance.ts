import type { Job } from 'bullmq';
import { reconcileRouting } from '../server/queue/reconcile.ts';
import { logger } from '../server/logger.ts';
import { getWorkerContext } from './context.ts';
import { reconcileTimersJob } from './timers.ts';
import { retrainClassifier } from '../server/services/classifier.ts';

/** Periodic housekeeping jobs (scheduled by workers/main.ts). */
export async function maintenanceProcessor(job: Job): Promise<unknown> {
  switch (job.name) {
    case 'reconcile-routing': {
      const res = await reconcileRouting(getWorkerContext().routingQueue);
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
