import type { Job } from 'bullmq';
import type { NotificationJob, TimerJob } from '../server/queue/queues.ts';
import { rebuildTimerScheduleIfDue, reconcileTimers, timeLimitRuntime, timerProcessor } from '../server/services/deadlines.ts';
import { processNotificationJob } from '../server/services/notify.ts';
import { logger } from '../server/logger.ts';

/** `timers` queue: one time-limit level of one ticket (see services/deadlines.ts runTimer). */
export async function timersProcessor(job: Job<TimerJob>, token?: string): Promise<string> {
  return timerProcessor(job, token);
}

/** `notifications` queue: one outside delivery (webhook, SMS) with retries; a final failure is recorded. */
export async function notificationsProcessor(job: Job<NotificationJob>): Promise<string> {
  const rt = timeLimitRuntime();
  if (!rt) throw new Error('time-limit runtime not configured');
  return processNotificationJob(rt.notifiers, job);
}

/**
 * Maintenance job `reconcile-timers` (every TIMER_RECONCILE_INTERVAL_SEC):
 * sweep the timer schedule into Redis when the armed window runs short or
 * Redis was flushed (missed timers fire late, once); then, on first
 * deployment and nightly, rebuild the schedule from the tickets, sweeping
 * again if that repaired anything.
 */
export async function reconcileTimersJob(): Promise<unknown> {
  const rt = timeLimitRuntime();
  if (!rt?.timersQueue) throw new Error('time-limit runtime not configured');
  const res = await reconcileTimers(rt.timersQueue, { ifDue: true });
  if (res.added) logger.info(res, 'reconcile: timers armed from the schedule');
  const rebuilt = await rebuildTimerScheduleIfDue(rt.timersQueue);
  if (!rebuilt) return res;
  if (rebuilt.written) logger.warn(rebuilt, 'reconcile: timer schedule repaired from the tickets');
  const again = rebuilt.written ? await reconcileTimers(rt.timersQueue) : null;
  return { ...res, rebuilt, ...(again ? { afterRebuild: again } : {}) };
}
