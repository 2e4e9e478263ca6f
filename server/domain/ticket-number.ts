import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

export const TIME_ZONE = 'Asia/Shanghai';

/** The Asia/Shanghai calendar day of an instant, as 'YYYY-MM-DD' (reports group by it). */
export function shanghaiDay(at: Date): string {
  return format(new TZDate(at.getTime(), TIME_ZONE), 'yyyy-MM-dd');
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
