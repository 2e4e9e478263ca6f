import type { Job } from 'bullmq';
import { Ticket, type TicketDoc } from '../server/data/models/index.ts';
import { applyTicketChange } from '../server/data/tickets.ts';
import type { RoutingJob } from '../server/queue/queues.ts';
import { logger } from '../server/logger.ts';

/**
 * Routing processor. Until the dispatch catalogue exists (routing issue), every
 * new ticket is parked in the dispatchers' manual queue with the reason
 * recorded. Idempotent: a ticket no longer `new` is left alone, so a retried or
 * duplicated job never acts twice.
 */
export async function routingProcessor(job: Job<RoutingJob>): Promise<string> {
  const t = await Ticket.findById(job.data.ticketId, { status: 1, version: 1, history: 1 }).lean<TicketDoc>();
  if (!t) {
    logger.warn({ ticketId: job.data.ticketId }, 'routing: ticket not found');
    return 'missing';
  }
  if (t.status !== 'new') return 'already-routed';
  await applyTicketChange(t._id, { version: t.version, historyLength: t.history.length }, {
    set: { status: 'manual' },
    events: [
      {
        at: new Date(),
        type: 'routing_parked',
        actor: { id: null, name: '智能派单', role: 'system' },
        note: '暂无匹配的派单规则，转人工派单',
        data: { reason: 'no_rules' },
      },
    ],
  });
  return 'parked';
}
