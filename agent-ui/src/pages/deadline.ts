import { useEffect, useState } from 'react';
import type { Ticket } from '../api.ts';

/** One milestone of `ticket.deadlines` as it arrives over JSON. */
interface MilestoneJson {
  dueAt?: string;
  warningAt?: string;
}

export type Tone = 'ok' | 'warning' | 'overdue' | 'none';

export interface Clock {
  milestone: 'accept' | 'resolve';
  dueAt: number;
  warningAt: number | null;
}

/** The deadline that matters now: accept while dispatched (resolve if the policy has no accept limit), resolve once accepted. */
export function relevantClock(t: Ticket): Clock | null {
  const d = t.deadlines as Record<string, MilestoneJson | undefined> | null;
  if (!d) return null;
  const pick = (m: 'accept' | 'resolve'): Clock | null => {
    const x = d[m];
    const due = x?.dueAt ? Date.parse(x.dueAt) : NaN;
    if (!Number.isFinite(due)) return null;
    const warn = x?.warningAt ? Date.parse(x.warningAt) : NaN;
    return { milestone: m, dueAt: due, warningAt: Number.isFinite(warn) ? warn : null };
  };
  if (t.status === 'dispatched') return pick('accept') ?? pick('resolve');
  return pick('resolve');
}

export function toneOf(c: Clock | null, now: number): Tone {
  if (!c) return 'none';
  if (now >= c.dueAt) return 'overdue';
  if (c.warningAt !== null && now >= c.warningAt) return 'warning';
  return 'ok';
}

/**
 * The current time, re-rendered every 30 s and exactly at the next instant in
 * `boundaries` (a warning or a deadline), so a row turns amber or red at that
 * moment without waiting for a server event.
 */
export function useNow(boundaries: number[], everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  const next = boundaries.filter((b) => b > now).reduce((a, b) => Math.min(a, b), Infinity);
  useEffect(() => {
    if (!Number.isFinite(next)) return;
    const ms = Math.min(next - Date.now() + 50, 2 ** 31 - 1);
    const id = setTimeout(() => setNow(Date.now()), Math.max(0, ms));
    return () => clearTimeout(id);
  }, [next]);
  return now;
}

/** "2天3小时" / "5小时12分钟" / "8分钟" from a span in ms. */
export function spanText(ms: number, t: (k: 'daysShort' | 'hoursShort' | 'minutesShort' | 'underMinute', v?: Record<string, number>) => string, sep: string): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return [t('daysShort', { n: days }), hours ? t('hoursShort', { n: hours }) : ''].filter(Boolean).join(sep);
  if (hours > 0) return [t('hoursShort', { n: hours }), mins ? t('minutesShort', { n: mins }) : ''].filter(Boolean).join(sep);
  return mins > 0 ? t('minutesShort', { n: mins }) : t('underMinute');
}
