import { ConflictError } from '../errors.ts';
import type { Actor, HistoryEvent, TicketRecord, TicketStatus, UnitRef } from './ticket.ts';

/**
 * Ticket state changes as pure functions: (ticket, command, actor, time) →
 * the fields to set and the history events to append. The data layer applies
 * them atomically (data/tickets.ts applyTicketChange).
 */
export interface Change {
  set: Record<string, unknown>;
  events: Omit<HistoryEvent, 'seq'>[];
}

export interface DispatchCommand {
  lead: UnitRef & { ancestors: string[] };
  coUnits: (UnitRef & { ancestors: string[] })[];
  note?: string;
}

const DISPATCHABLE: readonly TicketStatus[] = ['new', 'manual'];

export function assertStatus(t: Pick<TicketRecord, 'status'>, allowed: readonly TicketStatus[], action: string): void {
  if (!allowed.includes(t.status)) {
    throw new ConflictError('invalid_state', `工单当前状态不能${action} (cannot ${action} a ticket in status ${t.status})`, {
      status: t.status,
      allowed,
    });
  }
}

/** 派单: name the lead unit and any co-handling units; the scope grows to them and their ancestors. */
export function dispatch(t: Pick<TicketRecord, 'status'>, cmd: DispatchCommand, by: Actor, at: Date): Change {
  assertStatus(t, DISPATCHABLE, '派单');
  if (cmd.coUnits.some((c) => c.unitId === cmd.lead.unitId)) {
    throw new ConflictError('invalid_dispatch', '主办单位不能同时是协办单位 (lead unit listed as co-handling)');
  }
  const scope = new Set<string>();
  for (const u of [cmd.lead, ...cmd.coUnits]) {
    scope.add(u.unitId);
    for (const a of u.ancestors) scope.add(a);
  }
  const strip = (u: UnitRef) => ({ unitId: u.unitId, unitName: u.unitName });
  return {
    set: {
      status: 'dispatched',
      lead: strip(cmd.lead),
      coUnits: cmd.coUnits.map(strip),
      scopeUnitIds: [...scope],
    },
    events: [
      {
        at,
        type: 'dispatched',
        actor: { id: by.id, name: by.name, role: by.role },
        ...(cmd.note ? { note: cmd.note } : {}),
        data: { lead: strip(cmd.lead), coUnits: cmd.coUnits.map(strip) },
      },
    ],
  };
}
