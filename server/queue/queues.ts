import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { mongo } from 'mongoose';
import type { TicketRecord } from '../domain/ticket.ts';

const { EJSON } = mongo.BSON;

/**
 * Queue names and job shapes: the contract between the server (producer) and
 * the workers (processors registered in workers/registry.ts).
 */
export const QUEUES = {
  routing: 'routing',
  maintenance: 'maintenance',
  /** Time-limit timers: one delayed job per ticket × deadline version × milestone × level. */
  timers: 'timers',
  /** Outside notifications (webhook, SMS) with retries and backoff. */
  notifications: 'notifications',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface RoutingJob {
  ticketId: string;
  /**
   * The ticket as intake wrote it (relaxed EJSON: dates and ObjectIds come back as such), so the worker routes it
   * without reading it back; the change's version guard catches any edit made
   * since (the worker then reads the ticket). Absent on jobs the reconcile adds.
   */
  created?: string;
}

export function routingSnapshot(job: RoutingJob): TicketRecord | null {
  return job.created ? (EJSON.parse(job.created, { relaxed: true }) as TicketRecord) : null;
}

/** Deterministic id: the same ticket can never sit in the routing queue twice. */
export function routingJobId(ticketId: string): string {
  return `route-${ticketId}`;
}

export const ROUTING_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  // Completed jobs carry the ticket as created (2-3 KB), so few are kept: at most 10 minutes and 10,000
  // (~30 MB of Redis). Nothing depends on them: the reconcile only looks at tickets still `new`, and a job
  // it adds for one routed meanwhile finds the ticket routed and does nothing.
  removeOnComplete: { age: 600, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

export function createQueue(name: QueueName, connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(name, { connection, prefix });
}

export async function enqueueRouting(queue: Queue, ticketId: string, created?: TicketRecord): Promise<void> {
  const data: RoutingJob = { ticketId, ...(created ? { created: EJSON.stringify(created, { relaxed: true }) } : {}) };
  await queue.add('route', data, { ...ROUTING_JOB_OPTIONS, jobId: routingJobId(ticketId) });
}

/** One time-limit timer (job id: timerJobId in domain/deadlines.ts). */
export interface TimerJob {
  ticketId: string;
  version: number;
  milestone: 'accept' | 'contact' | 'resolve';
  level: 'warning' | 'due' | 'reminderNotice' | 'supervision';
  /** Delivery instant (ISO); lateness is measured against it. */
  fireAt: string;
}

export const TIMER_JOB_OPTIONS: JobsOptions = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1000 },
  // Whether a level fired is recorded on the ticket. A finished job stays an hour: the reconcile
  // sweep (every 10 min) reads it to drop the timer from the schedule, so the firing path writes
  // nothing more to MongoDB, and an add of the same id meanwhile is ignored.
  removeOnComplete: { age: 3600 },
  removeOnFail: true,
};

/** One outside delivery of a notification (the payload travels with the job). */
export interface NotificationJob {
  channel: 'webhook' | 'sms';
  key: string;
  notification: Record<string, unknown>;
}
