import type { Actor, Role } from './ticket.ts';

/**
 * Who may see which tickets: the one place for ticket scoping (domain.md §6).
 *
 * - Hotline staff (operator, dispatcher, admin) see the hotline's work.
 * - A manager of the hotline center sees everything; a manager of a unit sees
 *   that unit's scope.
 * - A unit handler sees tickets dispatched to its unit or one of its sub-units.
 *
 * A ticket carries `scopeUnitIds`: its lead and co-handling units plus all their
 * ancestors, so "my unit or a sub-unit of mine" is one indexed equality.
 */
export const HOTLINE_STAFF_ROLES: ReadonlySet<Role> = new Set(['operator', 'dispatcher', 'admin']);

export interface Viewer extends Actor {
  /** True when the viewer's unit is the hotline center itself. */
  atCenter: boolean;
}

export function seesAllTickets(v: Viewer): boolean {
  return HOTLINE_STAFF_ROLES.has(v.role) || (v.role === 'manager' && v.atCenter);
}

/** Hotline staff see caller identity in full; everyone else sees it masked or hidden. */
export function isHotlineStaff(v: Viewer): boolean {
  return seesAllTickets(v);
}

/** The MongoDB filter that restricts a ticket query to what the viewer may see. */
export function ticketScopeFilter(v: Viewer): Record<string, unknown> {
  return seesAllTickets(v) ? {} : { scopeUnitIds: v.unitId };
}

export function canSeeTicket(v: Viewer, ticket: { scopeUnitIds: readonly string[] }): boolean {
  return seesAllTickets(v) || ticket.scopeUnitIds.includes(v.unitId);
}

/** Roles allowed to log a call for a citizen. */
export const INTAKE_ROLES: ReadonlySet<Role> = new Set(['operator', 'dispatcher', 'admin']);

/** Every ancestor of a unit plus itself, from a parent lookup; cycles are cut. */
export function unitWithAncestors(unitId: string, parentOf: (id: string) => string | null | undefined): string[] {
  const out: string[] = [];
  let cur: string | null | undefined = unitId;
  while (cur && !out.includes(cur)) {
    out.push(cur);
    cur = parentOf(cur);
  }
  return out;
}
