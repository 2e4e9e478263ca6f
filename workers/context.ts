import type { Queue } from 'bullmq';

/** Shared handles the processors use (set once by workers/main.ts). */
export interface WorkerContext {
  routingQueue: Queue;
  /** How often the routing reconcile runs (RECONCILE_INTERVAL_SEC). */
  reconcileIntervalMs: number;
}

let ctx: WorkerContext | null = null;

export function setWorkerContext(c: WorkerContext): void {
  ctx = c;
}

export function getWorkerContext(): WorkerContext {
  if (!ctx) throw new Error('worker context not initialised');
  return ctx;
}
