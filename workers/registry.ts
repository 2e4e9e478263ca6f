import type { Processor } from 'bullmq';
import { QUEUES, type QueueName } from '../server/queue/queues.ts';
import { routingProcessor } from './routing.ts';
import { maintenanceProcessor } from './maintenance.ts';
import { notificationsProcessor, timersProcessor } from './timers.ts';

/**
 * Every queue's processor, registered in one place and checked at start-up
 * (a queue without a handler is a deployment error, not a silent backlog).
 */
export interface Registration {
  processor: Processor;
  concurrency: number;
  /** Job names this processor handles; anything else fails loudly. */
  jobNames: readonly string[];
}

export const REGISTRY: Record<QueueName, Registration> = {
  // Many jobs in flight share group-committed claims, updates and batched reads, and the bigger the batches the
  // less each ticket costs the store. A 6,000 backlog on 2 cores (bench:dispatch,
  // runs alternated, ±20 % noise between runs): 32 in flight 274–356 routed/s, 128: 348–480, 256: 391–574,
  // 512: 369–599 (565–599 when alternated with 256 and 1,024), 1,024: 532. A job's wait grows with it (~1 s at 512
  // in a backlog); at 100 calls/s only a few are in flight whatever the setting.
  [QUEUES.routing]: { processor: routingProcessor, concurrency: 512, jobNames: ['route'] },
  [QUEUES.maintenance]: { processor: maintenanceProcessor, concurrency: 1, jobNames: ['reconcile-routing', 'reconcile-timers', 'retrain-classifier', 'sweep-claims'] },
  [QUEUES.timers]: { processor: timersProcessor, concurrency: 8, jobNames: ['fire'] },
  [QUEUES.notifications]: { processor: notificationsProcessor, concurrency: 8, jobNames: ['deliver'] },
};

export function checkRegistry(): void {
  for (const name of Object.values(QUEUES)) {
    if (!REGISTRY[name]) throw new Error(`no processor registered for queue "${name}"`);
  }
}
