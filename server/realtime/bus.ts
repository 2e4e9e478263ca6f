import type { TicketRecord } from '../domain/ticket.ts';
import type { EventPublisher, TicketEventType } from './publish.ts';
import { levelEvent, TIME_LIMIT_EVENT_PREFIX } from '../domain/deadlines.ts';
import type { EscalationLevel } from '../domain/time-limits.ts';

/**
 * The one place ticket writes announce themselves to the consoles. The data
 * layer (insertTicket, applyTicketChange) calls `announceTicket` after every
 * durable write; the process that owns a Redis connection installs the
 * publisher (startServer does; a worker process installs its own), so every
 * state change reaches the consoles however it was made. Without a publisher
 * (scripts, seeding) announcing does nothing.
 */
const publishers: EventPublisher[] = [];

/** Install a publisher; returns its removal (for stop()). */
export function installTicketPublisher(p: EventPublisher): () => void {
  publishers.push(p);
  return () => {
    const i = publishers.indexOf(p);
    if (i >= 0) publishers.splice(i, 1);
  };
}

const KNOWN: ReadonlySet<string> = new Set<TicketEventType>([
  'created', 'parked', 'dispatched', 'accepted', 'contacted', 'noted', 'return_requested', 'return_decided', 'co_reported',
  'replied', 'reviewed', 'callback', 'closed', 'merged', 'warning', 'overdue', 'escalated', 'extension_requested', 'extension_decided',
  'supervised',
]);
const ALIASES: Record<string, TicketEventType> = {
  routing_parked: 'parked',
  direct_answered: 'closed',
  emergency_transferred: 'closed',
  redispatched: 'dispatched',
  extension_approved: 'extension_decided',
  extension_refused: 'extension_decided',
};

/** The console event type of one history event type ('changed' when it has none of its own). */
export function eventTypeOf(historyType: string | undefined): TicketEventType {
  if (!historyType) return 'changed';
  if (ALIASES[historyType]) return ALIASES[historyType];
  // A time-limit level recorded on the ticket (time_limit_warning, time_limit_due …).
  if (historyType.startsWith(TIME_LIMIT_EVENT_PREFIX)) return levelEvent(historyType.slice(TIME_LIMIT_EVENT_PREFIX.length) as EscalationLevel);
  return KNOWN.has(historyType) ? (historyType as TicketEventType) : 'changed';
}

/**
 * The console event type of a change: its first event that has one (a
 * dispatch change is `dispatched` + `deadlines_set`: it is a dispatch).
 */
export function changeEventType(events: readonly { type: string }[]): TicketEventType {
  for (const e of events) {
    const type = eventTypeOf(e.type);
    if (type !== 'changed') return type;
  }
  return 'changed';
}

/** Tell the consoles a ticket changed. Never throws: a lost event is healed by the console's re-read. */
export function announceTicket(
  t: Pick<TicketRecord, '_id' | 'number' | 'version' | 'status' | 'scopeUnitIds'>,
  type: TicketEventType,
  data?: Record<string, unknown>,
  previousScope?: readonly string[],
): void {
  // The newest installed publisher wins: one process publishes each change once.
  publishers.at(-1)?.publish(t, type, data, previousScope);
}
