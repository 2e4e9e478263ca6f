import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api.ts';
import { useLive } from '../live.tsx';
import type { BoardCell, BoardRow, BoardSummary, OverdueLevel } from '../../../server/domain/metrics.ts';

export type { BoardRow, OverdueLevel } from '../../../server/domain/metrics.ts';

/** GET /api/v1/board as the server sends it (server/services/board.ts boardFor). */
export interface BoardView {
  computedAt: string;
  refreshMs: number;
  summary: Omit<BoardSummary, 'units'> & { units: (BoardCell & { unitName: string })[] };
  /** The lists asked for (useBoard's `lists`). */
  overdue?: BoardList;
  extensions?: BoardList;
  arbitration?: BoardList;
}
interface BoardList {
  total: number;
  items: Omit<BoardRow, 'scopeUnitIds'>[];
}
export type Row = BoardList['items'][number];
const EMPTY: BoardList = { total: 0, items: [] };
export const listOf = (v: BoardView, l: 'overdue' | 'extensions' | 'arbitration'): BoardList => v[l] ?? EMPTY;

export const LEVEL_KEYS: Record<OverdueLevel, 'levelDue' | 'levelReminderNotice' | 'levelSupervision'> = {
  due: 'levelDue',
  reminderNotice: 'levelReminderNotice',
  supervision: 'levelSupervision',
};
export const LEVEL_COLORS: Record<OverdueLevel, string> = { due: 'red', reminderNotice: 'volcano', supervision: 'magenta' };

/**
 * The shared board, live: every ticket event asks for a board that includes
 * it (`after` = the event's server instant; the server answers from one
 * shared scan), bursts folded into one request; after a reconnect and once a
 * minute (lights turn by the clock) it asks again. `refresh(at)` after the
 * viewer's own action, with the instant the server gave it.
 */
export function useBoard(lists: ('overdue' | 'extensions' | 'arbitration')[] = []) {
  const listParam = lists.join(',');
  const live = useLive();
  const [data, setData] = useState<BoardView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const wanted = useRef(0);
  const skew = useRef(0);
  const running = useRef(false);
  const again = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    try {
      do {
        again.current = false;
        const q = new URLSearchParams();
        if (wanted.current) q.set('after', new Date(wanted.current).toISOString());
        if (listParam) q.set('lists', listParam);
        const sent = Date.now();
        const r = await api<BoardView>('GET', `/api/v1/board${q.size ? `?${q}` : ''}`);
        // Roughly the server's clock minus ours (its scan started between our send and its answer).
        skew.current = Date.parse(r.computedAt) - sent;
        setData(r);
        setError(null);
      } while (again.current);
    } catch (err) {
      setError(err);
    } finally {
      running.current = false;
    }
  }, [listParam]);

  const refresh = useCallback(
    (serverInstant?: number) => {
      wanted.current = Math.max(wanted.current, serverInstant ?? Date.now() + skew.current);
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void load();
      }, 200);
    },
    [load],
  );

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const offEvent = live.onEvent((e) => refresh(Date.parse(e.at)));
    const offReconnect = live.onReconnect(() => refresh());
    const poll = setInterval(() => refresh(), 60_000);
    return () => {
      offEvent();
      offReconnect();
      clearInterval(poll);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [live, refresh]);

  return { data, error, refresh };
}
