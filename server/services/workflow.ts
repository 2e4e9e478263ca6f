import { decide, type Change, type Command, type UnitWithAncestors } from '../domain/workflow.ts';
import type { Actor, HistoryEvent } from '../domain/ticket.ts';
import { deadlineChangeForDispatch, redoLimitChange, scheduleTimersFor } from './deadlines.ts';
import type { Viewer } from '../domain/access.ts';
import { WorkCalendar } from '../domain/calendar.ts';
import { applyTicketChange, versionConflict } from '../data/tickets.ts';
import { Ticket, Unit, UnresolvedByPhone, type TicketDoc, type UnresolvedItem } from '../data/models/index.ts';
import { closedUnresolved } from '../domain/repeats.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { assertCanSee } from './ticket-view.ts';

/** Commands as they arrive from the API: units by id, resolved here. */
export type CommandInput =
  | Exclude<Command, { kind: 'dispatch' | 'redispatch' | 'arbitrate' | 'request_return' | 'merge' }>
  | { kind: 'dispatch'; leadUnitId: string; coUnitIds?: string[]; note?: string }
  | { kind: 'redispatch' | 'arbitrate'; leadUnitId: string; coUnitIds?: string[]; reason: string }
  | { kind: 'request_return'; reason: string }
  | { kind: 'merge'; parentId: string; note?: string };

/** Working days a unit has to return a ticket it is not responsible for (Shandong: 2). */
const RETURN_WINDOW_WORKING_DAYS = 2;
const calendar = new WorkCalendar();

async function resolveUnits(leadUnitId: string, coUnitIds: string[]): Promise<{ lead: UnitWithAncestors; coUnits: UnitWithAncestors[] }> {
  const ids = [leadUnitId, ...coUnitIds];
  const units = await Unit.find({ _id: { $in: ids }, active: true }, { name: 1, ancestors: 1 }).lean();
  const byId = new Map(units.map((u) => [u._id, { unitId: u._id, unitName: u.name, ancestors: u.ancestors }]));
  const missing = ids.map((id, i) => ({ id, field: i === 0 ? 'leadUnitId' : `coUnitIds.${i - 1}` })).filter((x) => !byId.has(x.id));
  if (missing.length) throw new ValidationError(missing.map((m) => ({ field: m.field, problem: `未知或已停用的单位 ${m.id} (unknown unit)` })));
  return { lead: byId.get(leadUnitId)!, coUnits: coUnitIds.map((id) => byId.get(id)!) };
}

function lastDispatchAt(t: TicketDoc): Date | null {
  for (let i = t.history.length - 1; i >= 0; i--) {
    const h = t.history[i]!;
    if (['dispatched', 'redispatched', 'arbitrated', 'redo'].includes(h.type)) return new Date(h.at);
  }
  return null;
}

async function toCommand(input: CommandInput, t: TicketDoc): Promise<Command> {
  switch (input.kind) {
    case 'dispatch':
      return { kind: 'dispatch', ...(await resolveUnits(input.leadUnitId, input.coUnitIds ?? [])), ...(input.note ? { note: input.note } : {}) };
    case 'redispatch':
    case 'arbitrate':
      return { kind: input.kind, ...(await resolveUnits(input.leadUnitId, input.coUnitIds ?? [])), reason: input.reason };
    case 'request_return': {
      const from = lastDispatchAt(t);
      return { kind: 'request_return', reason: input.reason, returnWindowEndsAt: from ? calendar.addWorkingDays(from, RETURN_WINDOW_WORKING_DAYS) : null };
    }
    case 'merge': {
      const parent = await Ticket.findById(input.parentId, { number: 1, status: 1, mergedInto: 1 }).lean();
      if (!parent) throw new ValidationError([{ field: 'parentId', problem: '要并入的工单不存在 (unknown ticket)' }]);
      if (parent._id.equals(t._id)) throw new ValidationError([{ field: 'parentId', problem: '不能并入自身 (cannot merge into itself)' }]);
      return { kind: 'merge', parent: { id: parent._id.toHexString(), number: parent.number, status: parent.status }, ...(input.note ? { note: input.note } : {}) };
    }
    default:
      return input;
  }
}

const REMEMBER_UNRESOLVED = 20;

/** Remember a matter that closed unresolved, so its repeat is recognised (see workers/routing.ts). */
async function rememberUnresolved(t: TicketDoc): Promise<void> {
  if (!closedUnresolved(t)) return;
  const item: UnresolvedItem = {
    ticketId: t._id.toHexString(),
    number: t.number,
    closedAt: t.closure?.at ?? new Date(),
    repeatCount: t.repeatCount ?? 0,
    tokens: t.searchTokens.slice(0, 300),
    ...(t.location?.areaCode ? { areaCode: t.location.areaCode } : {}),
  };
  const current = await UnresolvedByPhone.findById(t.caller.phone).lean();
  const items = [item, ...(current?.items ?? []).filter((i) => i.ticketId !== item.ticketId)].slice(0, REMEMBER_UNRESOLVED);
  await UnresolvedByPhone.updateOne({ _id: t.caller.phone }, { $set: { items } }, { upsert: true });
}

/**
 * Run one workflow command on a ticket the viewer can see, as of the version
 * the viewer acted on. The change and its history are one atomic write (the
 * data layer announces it to the consoles).
 */
export async function runCommand(
  ticketId: string,
  expectedVersion: number,
  input: CommandInput,
  viewer: Viewer,
  now = new Date(),
): Promise<TicketDoc> {
  const t = await Ticket.findById(ticketId, { searchTokens: 0 }).lean<TicketDoc>();
  if (!t) throw new NotFoundError('工单');
  assertCanSee(viewer, t);
  if (t.version !== expectedVersion) throw versionConflict(expectedVersion);
  return applyCommand(t, await toCommand(input, t), viewer, now);
}

const STARTS_CLOCK = new Set(['dispatched', 'redispatched', 'arbitrated']);

/**
 * Decide a command on a ticket as read, and apply it with the time-limit
 * changes it implies in the same atomic write: a (re-)dispatch starts the
 * clock for the new unit, a redo sets a new resolve limit. Timers are
 * scheduled after the write (and rebuilt by reconcile if that fails).
 * `opts.systemActor` names an automatic actor (智能派单) in the history instead
 * of the role used for the rules; `opts.set` adds fields to the same write;
 * `opts.complete` says `t` is the whole document (none of it projected away).
 */
export async function applyCommand(
  t: TicketDoc,
  cmd: Command,
  by: Actor,
  at: Date,
  opts: { systemActor?: HistoryEvent['actor']; set?: Record<string, unknown>; complete?: boolean } = {},
): Promise<TicketDoc> {
  const change: Change = decide(t, cmd, by, at);
  const systemActor = opts.systemActor;
  if (systemActor) change.events = change.events.map((e) => ({ ...e, actor: systemActor }));
  const lead = change.set.lead as { unitId: string } | undefined;
  const clock = change.events.some((e) => STARTS_CLOCK.has(e.type)) && lead
    ? await deadlineChangeForDispatch(t, lead.unitId, at)
    : change.events.some((e) => e.type === 'redo') && t.deadlines
      ? await redoLimitChange(t, at)
      : null;
  const updated = await applyTicketChange(
    t._id,
    { version: t.version, historyLength: t.history.length },
    { set: { ...change.set, ...(clock?.set ?? {}), ...(opts.set ?? {}) }, events: [...change.events, ...(clock?.events ?? [])] },
    opts.complete ? t : undefined,
  );
  if (clock) await scheduleTimersFor(updated);
  if (updated.status === 'closed') await rememberUnresolved(updated);
  return updated;
}
