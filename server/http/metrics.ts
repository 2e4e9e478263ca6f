import client from 'prom-client';
import type { Queue } from 'bullmq';

/** Prometheus metrics: one registry per process, exposed at GET /metrics. */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const httpDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const ticketsCreated = new client.Counter({
  name: 'tickets_created_total',
  help: 'Tickets created, by channel',
  labelNames: ['channel'] as const,
  registers: [registry],
});

/** Queue depths read at scrape time (waiting, active, delayed, failed per queue). */
export function registerQueueMetrics(queues: Queue[]) {
  registry.removeSingleMetric('queue_jobs');
  new client.Gauge({
    name: 'queue_jobs',
    help: 'BullMQ jobs by queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      for (const q of queues) {
        try {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
          for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
        } catch {
          // Redis down: leave the last values; /health reports the outage.
        }
      }
    },
  });
}
