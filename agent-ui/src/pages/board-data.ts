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
 * shared scan), bursts folded into one request. On opening, after a
 * reconnect and once a minute (lights turn by the clock) it asks for one as
 * of the server's now (`after=now`: no client clock involved). `refresh(at)`
 * after the viewer's own action, with the instant the server gave it.
 */
export function useBoard(lists: ('overdue' | 'extensions' | 'arbitration')[] = []) {
  const listParam = lists.join(',');
  const live = useLive();
  const [data, setData] = useState<BoardView | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The server instant the next answer must include; 'now' = the server's clock when it answers.
  const wanted = useRef<number | 'now'>('now');
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
        const after = wanted.current;
        if (after) q.set('after', after === 'now' ? 'now' : new Date(after).toISOString());
        if (listParam) q.set('lists', listParam);
        const r = await api<BoardView>('GET', `/api/v1/board${q.size ? `?${q}` : ''}`);
        // Asked for meanwhile: keep it for the next round; otherwise settled.
        if (wanted.current === after) wanted.current = 0;
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
      const w = wanted.current;
      wanted.current = serverInstant === undefined || w === 'now' ? 'now' : Math.max(w, serverInstant);
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
