import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import { loadSession } from './api.ts';
import type { TicketEvent } from '../../server/realtime/publish.ts';

/**
 * The live channel: one Socket.IO connection per console, authenticated with
 * the login token. Pages subscribe to ticket events and to reconnects; after a
 * reconnect they re-read over HTTP, so an event lost while disconnected never
 * leaves a stale list.
 */
export type { TicketEvent } from '../../server/realtime/publish.ts';

interface Live {
  socket: Socket | null;
  connected: boolean;
  onEvent(fn: (e: TicketEvent) => void): () => void;
  onReconnect(fn: () => void): () => void;
}

const LiveCtx = createContext<Live>({ socket: null, connected: false, onEvent: () => () => undefined, onReconnect: () => () => undefined });

export function LiveProvider({ token, onAuthFailed, children }: { token: string; onAuthFailed: () => void; children: ReactNode }) {
  const [socket, setSocket] = useState<Socket | null>(null);
  const [connected, setConnected] = useState(false);
  const eventFns = useRef(new Set<(e: TicketEvent) => void>());
  const reconnectFns = useRef(new Set<() => void>());
  const authFailed = useRef(onAuthFailed);
  authFailed.current = onAuthFailed;

  useEffect(() => {
    // WebSocket only: long-polling would need sticky sessions across server nodes.
    const s = io({ auth: { token }, transports: ['websocket'], reconnectionDelayMax: 5000 });
    let everConnected = false;
    s.on('connect', () => {
      setConnected(true);
      if (everConnected) for (const fn of reconnectFns.current) fn();
      everConnected = true;
    });
    s.on('disconnect', () => setConnected(false));
    s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      setConnected(false);
      if (err.data?.code === 'unauthorized' && !loadSession()) authFailed.current();
    });
    s.on('ticket', (e: TicketEvent) => {
      for (const fn of eventFns.current) fn(e);
    });
    setSocket(s);
    return () => {
      s.close();
      setSocket(null);
    };
  }, [token]);

  const value: Live = {
    socket,
    connected,
    onEvent(fn) {
      eventFns.current.add(fn);
      return () => eventFns.current.delete(fn);
    },
    onReconnect(fn) {
      reconnectFns.current.add(fn);
      return () => reconnectFns.current.delete(fn);
    },
  };
  return <LiveCtx.Provider value={value}>{children}</LiveCtx.Provider>;
}

export function useLive(): Live {
  return useContext(LiveCtx);
}

/**
 * Re-read when an event concerns what the page shows (`relevant`), and after
 * every reconnect. Bursts are folded into one re-read.
 */
export function useLiveReload(reload: () => void, relevant: (e: TicketEvent) => boolean, delayMs = 150): void {
  const live = useLive();
  const reloadRef = useRef(reload);
  const relevantRef = useRef(relevant);
  reloadRef.current = reload;
  relevantRef.current = relevant;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const schedule = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        reloadRef.current();
      }, delayMs);
    };
    const offEvent = live.onEvent((e) => relevantRef.current(e) && schedule());
    const offReconnect = live.onReconnect(schedule);
    return () => {
      offEvent();
      offReconnect();
      if (timer) clearTimeout(timer);
    };
  }, [live, delayMs]);
}
