import { IDENTITY_PROTECTED_TYPES, type RequestType } from './ticket.ts';

/**
 * Caller privacy (domain.md §6): hotline staff see full caller data; units see
 * the surname and a masked phone; confidential tickets and 举报/检举 show no
 * identity at all to units.
 */
export type CallerVisibility = 'full' | 'masked' | 'hidden';

export interface Caller {
  name?: string;
  phone: string;
}

export interface CallerView {
  visibility: CallerVisibility;
  name: string | null;
  phone: string | null;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length > 4) return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
  return '****';
}

/** Surname only: 张三 -> 张**. Names are stored as typed; the first character is the surname in nearly all cases. */
export function maskName(name: string | undefined): string | null {
  const n = name?.trim();
  if (!n) return null;
  return `${Array.from(n)[0]}**`;
}

export function callerVisibility(
  viewerIsHotlineStaff: boolean,
  ticket: { confidential: boolean; type: RequestType },
): CallerVisibility {
  if (viewerIsHotlineStaff) return 'full';
  if (ticket.confidential || IDENTITY_PROTECTED_TYPES.has(ticket.type)) return 'hidden';
  return 'masked';
}

export function viewCaller(caller: Caller, visibility: CallerVisibility): CallerView {
  switch (visibility) {
    case 'full':
      return { visibility, name: caller.name ?? null, phone: caller.phone };
    case 'masked':
      return { visibility, name: maskName(caller.name), phone: maskPhone(caller.phone) };
    case 'hidden':
      return { visibility, name: null, phone: null };
  }
}

/** Last four digits of a phone, used with the ticket number for public progress lookup. */
export function phoneLast4(phone: string): string {
  return phone.replace(/\D/g, '').slice(-4);
}
