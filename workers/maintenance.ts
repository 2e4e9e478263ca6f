import type { Job } from 'bullmq';
import { reconcileRouting } from '../server/queue/reconcile.ts';
import { logger } from '../server/logger.ts';
import { getWorkerContext } from './context.ts';

/** Periodic housekeeping jobs (scheduled by workers/main.ts). */
export async function maintenanceProcessor(job: Job): Promise<unknown> {
  switch (job.name) {
    case 'reconcile-routing': {
      const res = await reconcileRouting(getWorkerContext().routingQueue);
      if (res.enqueued) logger.info(res, 'reconcile: enqueued tickets missed while Redis was away');
      return res;
    }
    default:
      throw new Error(`maintenance: unknown job "${job.name}"`);
  }
}
