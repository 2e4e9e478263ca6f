import { TZDate } from '@date-fns/tz';
import { addDays, format, startOfDay } from 'date-fns';

export const TIME_ZONE = 'Asia/Shanghai';

/** The last day looked up: nearly every call (each new ticket) falls in it, and time-zone arithmetic is slow. */
let lastDay: { start: number; next: number; day: string } | null = null;

/** The Asia/Shanghai calendar day of an instant, as 'YYYY-MM-DD' (reports group by it). */
export function shanghaiDay(at: Date): string {
  const t = at.getTime();
  if (lastDay && lastDay.start <= t && t < lastDay.next) return lastDay.day;
  const midnight = startOfDay(new TZDate(t, TIME_ZONE));
  lastDay = { start: midnight.getTime(), next: addDays(midnight, 1).getTime(), day: format(midnight, 'yyyy-MM-dd') };
  return lastDay.day;
}

/**
 * Human-readable ticket number: the Shanghai day plus a per-day sequence,
 * e.g. 20261122-000123. Six digits hold a 100k-a-day center with room; the
 * sequence may grow past them without breaking the format's order.
 */
export function formatTicketNumber(day: string, seq: number): string {
  return `${day.replaceAll('-', '')}-${String(seq).padStart(6, '0')}`;
}

export const TICKET_NUMBER_PATTERN = /^\d{8}-\d{6,}$/;
