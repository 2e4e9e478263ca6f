import type { Job } from 'bullmq';
import type { NotificationJob, TimerJob } from '../server/queue/queues.ts';
import { fireTimer, reconcileTimers, timeLimitRuntime } from '../server/services/deadlines.ts';
import { processNotificationJob } from '../server/services/notify.ts';
import { logger } from '../server/logger.ts';

/** `timers` queue: one time-limit level of one ticket (see services/deadlines.ts fireTimer). */
export async function timersProcessor(job: Job<TimerJob>): Promise<string> {
  return fireTimer(job.data);
}

/** `notifications` queue: one outside delivery (webhook, SMS) with retries; a final failure is recorded. */
export async function notificationsProcessor(job: Job<NotificationJob>): Promise<string> {
  const rt = timeLimitRuntime();
  if (!rt) throw new Error('time-limit runtime not configured');
  return processNotificationJob(rt.notifiers, job);
}

/** Maintenance job `reconcile-timers`: rebuild missing timers from MongoDB, fire missed ones late (once). */
export async function reconcileTimersJob(): Promise<unknown> {
  const rt = timeLimitRuntime();
  if (!rt?.timersQueue) throw new Error('time-limit runtime not configured');
  const res = await reconcileTimers(rt.timersQueue);
  if (res.added) logger.info(res, 'reconcile: timers rebuilt from MongoDB');
  return res;
}
