import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { TicketRecord } from '../domain/ticket.ts';
import { logger } from '../logger.ts';
import { recordChange } from './change-log.ts';

/**
 * Console events. Any process (server or worker) publishes through the
 * Socket.IO Redis emitter; every server node's Socket.IO (with the Redis
 * adapter, key `<REDIS_PREFIX>:socket.io`) delivers to the rooms:
 *   - `hotline`            hotline staff and center managers (see everything)
 *   - `unit:<unitId>`      one per unit in the ticket's scopeUnitIds
 *   - `ticket:<ticketId>`  consoles that have this ticket open
 * so a unit only ever receives events about tickets it may see. Events carry
 * the ticket's version; a console re-reads over HTTP after a reconnect.
 */
export type TicketEventType =
  | 'created'
  | 'parked'
  | 'dispatched'
  | 'accepted'
  | 'contacted'
  | 'noted'
  | 'return_requested'
  | 'return_decided'
  | 'co_reported'
  | 'replied'
  | 'reviewed'
  | 'callback'
  | 'closed'
  | 'merged'
  | 'warning'
  | 'overdue'
  | 'escalated'
  | 'extension_requested'
  | 'extension_decided'
  /** 督办: a manager supervised an overdue ticket. */
  | 'supervised'
  /** Any other recorded change: the console re-reads the ticket. */
  | 'changed';

export interface TicketEvent {
  type: TicketEventType;
  ticketId: string;
  number: string;
  version: number;
  status: string;
  at: string;
  /** Small extra facts for the notice shown (e.g. escalation level); never caller data. */
  data?: Record<string, unknown>;
}

export const HOTLINE_ROOM = 'hotline';
export const unitRoom = (unitId: string) => `unit:${unitId}`;
export const ticketRoom = (ticketId: string) => `ticket:${ticketId}`;

export function socketKey(redisPrefix: string): string {
  return `${redisPrefix}:socket.io`;
}

export class EventPublisher {
  private readonly emitter: Emitter;

  constructor(
    private readonly redis: Redis,
    private readonly redisPrefix: string,
  ) {
    // The emitter ignores the promise of PUBLISH; with Redis down it would be an
    // unhandled rejection, so the client it sees swallows (and logs) failures.
    const client = {
      publish: (channel: string, msg: string | Buffer) =>
        redis.publish(channel, msg).catch((err: Error) => logger.debug({ err: err.message }, 'event publish failed (Redis down?)')),
    };
    this.emitter = new Emitter(client, { key: socketKey(redisPrefix) });
  }

  /**
   * Publish one ticket event to everyone allowed to see the ticket. Best effort: a lost event is healed by the console's re-read.
   * `previousScope`: the ticket's scopeUnitIds before the change, when known; watchers are only asked to leave when a unit lost the ticket.
   */
  publish(
    t: Pick<TicketRecord, '_id' | 'number' | 'version' | 'status' | 'scopeUnitIds'>,
    type: TicketEventType,
    data?: Record<string, unknown>,
    previousScope?: readonly string[],
  ): void {
    const event: TicketEvent = {
      type,
      ticketId: t._id.toHexString(),
      number: t.number,
      version: t.version,
      status: t.status,
      at: new Date().toISOString(),
      ...(data ? { data } : {}),
    };
    const scopeRooms = [HOTLINE_ROOM, ...t.scopeUnitIds.map(unitRoom)];
    const room = ticketRoom(event.ticketId);
    // Everyone allowed to see the ticket is in one of scopeRooms; a watcher who is not (its unit lost
    // the ticket to a re-dispatch) leaves the ticket's room before this event goes out. That request reaches every
    // server node, so it is only sent when the scope may have shrunk.
    if (!previousScope || previousScope.some((u) => !t.scopeUnitIds.includes(u))) this.emitter.in(room).except(scopeRooms).socketsLeave(room);
    this.emitter.to([...scopeRooms, room]).emit('ticket', event);
    recordChange(this.redis, this.redisPrefix, event.ticketId);
  }
}
