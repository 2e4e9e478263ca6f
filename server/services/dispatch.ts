import { dispatch } from '../domain/workflow.ts';
import type { Actor } from '../domain/ticket.ts';
import { applyTicketChange, versionConflict } from '../data/tickets.ts';
import { Ticket, Unit, type TicketDoc } from '../data/models/index.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

/** Dispatch a ticket to a lead unit (and co-handling units), guarded by the version the dispatcher saw. */
export async function dispatchTicket(
  ticketId: string,
  cmd: { version: number; leadUnitId: string; coUnitIds: string[]; note?: string },
  by: Actor,
): Promise<TicketDoc> {
  const t = await Ticket.findById(ticketId, { status: 1, version: 1, history: 1 }).lean<TicketDoc>();
  if (!t) throw new NotFoundError('工单');
  const ids = [cmd.leadUnitId, ...cmd.coUnitIds];
  const units = await Unit.find({ _id: { $in: ids }, active: true }, { name: 1, ancestors: 1 }).lean();
  const byId = new Map(units.map((u) => [u._id, { unitId: u._id, unitName: u.name, ancestors: u.ancestors }]));
  const missing = ids.map((id, i) => ({ id, field: i === 0 ? 'leadUnitId' : `coUnitIds.${i - 1}` })).filter((x) => !byId.has(x.id));
  if (missing.length) throw new ValidationError(missing.map((m) => ({ field: m.field, problem: `未知或已停用的单位 ${m.id} (unknown unit)` })));
  // The dispatcher acted on what they saw; applyTicketChange re-checks atomically.
  if (t.version !== cmd.version) throw versionConflict(cmd.version);
  const change = dispatch(
    t,
    { lead: byId.get(cmd.leadUnitId)!, coUnits: cmd.coUnitIds.map((id) => byId.get(id)!), ...(cmd.note ? { note: cmd.note } : {}) },
    by,
    new Date(),
  );
  return applyTicketChange(t._id, { version: t.version, historyLength: t.history.length }, change);
}
