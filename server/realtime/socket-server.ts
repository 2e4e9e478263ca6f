import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { decodeJwt } from 'jose';
import { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { canSeeTicket, seesAllTickets, type Viewer } from '../domain/access.ts';
import { Ticket } from '../data/models/index.ts';
import type { TokenService } from '../services/auth.ts';
import { createRedis } from '../redis.ts';
import { logger } from '../logger.ts';
import { AppError } from '../errors.ts';
import { HOTLINE_ROOM, socketKey, ticketRoom, unitRoom } from './publish.ts';

/**
 * The console's live channel: Socket.IO on the API server's HTTP server.
 *
 * - Authenticated with the API's login token (`auth: { token }` in the
 *   handshake), verified by the same TokenService; the socket is cut when the
 *   token expires.
 * - Rooms (the contract of EventPublisher in publish.ts): hotline staff and
 *   center managers join `hotline`; everyone else joins `unit:<their unit>`
 *   (tickets carry their units' ancestors in scopeUnitIds, so a district sees
 *   its streets' tickets). `ticket:<id>` is joined on request (`watch`) only
 *   after the same scope check as GET /api/v1/tickets/:id.
 * - The Redis adapter (key `<REDIS_PREFIX>:socket.io`) joins the server nodes,
 *   so an event emitted anywhere (a node or a worker's Redis emitter) reaches
 *   the sockets of every node.
 *
 * Client → server: `watch` {ticketId} and `unwatch` {ticketId}, each with an
 * ack `{ ok: true }` or `{ ok: false, error: { code, message } }`.
 * Server → client: `hello` {user, rooms} once on connect; `ticket` TicketEvent.
 */
export interface SocketServerOptions {
  redisUrl: string;
  redisPrefix: string;
  tokens: TokenService;
}

export interface SocketServer {
  io: Server;
  close(): Promise<void>;
}

interface SocketData {
  viewer: Viewer;
}

type Ack = (res: { ok: true } | { ok: false; error: { code: string; message: string } }) => void;

export function roomsOf(v: Viewer): string[] {
  return seesAllTickets(v) ? [HOTLINE_ROOM] : [unitRoom(v.unitId)];
}

export function attachSocketServer(server: http.Server, opts: SocketServerOptions): SocketServer {
  const pub: Redis = createRedis(opts.redisUrl, 'worker');
  const sub: Redis = createRedis(opts.redisUrl, 'subscriber');
  const io = new Server(server, {
    path: '/socket.io',
    serveClient: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });
  io.adapter(createAdapter(pub, sub, { key: socketKey(opts.redisPrefix) }));

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token) {
      next(authError('unauthorized', '请先登录 (login token required)'));
      return;
    }
    opts.tokens
      .verify(token)
      .then((viewer) => {
        (socket.data as SocketData).viewer = viewer;
        scheduleExpiry(socket, token);
        next();
      })
      .catch((err: unknown) => {
        next(authError('unauthorized', err instanceof AppError ? err.message : '登录凭证无效 (invalid token)'));
      });
  });

  io.on('connection', (socket) => {
    const viewer = (socket.data as SocketData).viewer;
    const rooms = roomsOf(viewer);
    void socket.join(rooms);
    socket.emit('hello', { user: { id: viewer.id, name: viewer.name, role: viewer.role, unitId: viewer.unitId }, rooms });

    socket.on('watch', (payload: unknown, ack?: Ack) => {
      const reply: Ack = typeof ack === 'function' ? ack : () => undefined;
      const ticketId = (payload as { ticketId?: unknown } | null)?.ticketId;
      if (typeof ticketId !== 'string' || !/^[0-9a-f]{24}$/.test(ticketId)) {
        reply({ ok: false, error: { code: 'validation_failed', message: 'ticketId 应为 24 位工单 ID (ticket id)' } });
        return;
      }
      Ticket.findById(new Types.ObjectId(ticketId), { scopeUnitIds: 1 })
        .lean<{ scopeUnitIds?: string[] }>()
        .then(async (t) => {
          if (!t) return reply({ ok: false, error: { code: 'not_found', message: '工单不存在 (no such ticket)' } });
          if (!canSeeTicket(viewer, { scopeUnitIds: t.scopeUnitIds ?? [] })) {
            return reply({ ok: false, error: { code: 'forbidden', message: '无权查看该工单 (ticket outside your scope)' } });
          }
          await socket.join(ticketRoom(ticketId));
          reply({ ok: true });
        })
        .catch((err: unknown) => {
          logger.warn({ err: (err as Error).message }, 'socket watch failed');
          reply({ ok: false, error: { code: 'internal', message: '服务器内部错误 (internal error)' } });
        });
    });

    socket.on('unwatch', (payload: unknown, ack?: Ack) => {
      const ticketId = (payload as { ticketId?: unknown } | null)?.ticketId;
      if (typeof ticketId === 'string') void socket.leave(ticketRoom(ticketId));
      if (typeof ack === 'function') ack({ ok: true });
    });
  });

  return {
    io,
    async close() {
      io.disconnectSockets(true);
      // io.close() would also close the HTTP server, which startServer owns.
      io.engine.close();
      pub.disconnect();
      sub.disconnect();
    },
  };
}

function authError(code: string, message: string): Error & { data: { code: string } } {
  const err = new Error(message) as Error & { data: { code: string } };
  err.data = { code };
  return err;
}

/** Cut the socket when its login token expires: the client then logs in again. */
function scheduleExpiry(socket: Socket, token: string): void {
  let exp: number | undefined;
  try {
    exp = decodeJwt(token).exp;
  } catch {
    return;
  }
  if (!exp) return;
  const ms = exp * 1000 - Date.now();
  if (ms > 2 ** 31 - 1) return;
  const t = setTimeout(() => socket.disconnect(true), Math.max(0, ms));
  socket.once('disconnect', () => clearTimeout(t));
}
