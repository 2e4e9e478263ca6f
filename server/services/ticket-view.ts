import type { Types } from 'mongoose';
import { canSeeTicket, isHotlineStaff, type Viewer } from '../domain/access.ts';
import { callerVisibility, viewCaller } from '../domain/privacy.ts';
import { STATUSES, routingSummary, type RequestType, type TicketStatus } from '../domain/ticket.ts';
import { storedDeadlines } from '../domain/deadlines.ts';
import { Audit, type TicketDoc } from '../data/models/index.ts';
import { ForbiddenError } from '../errors.ts';

/** The API's view of a ticket for one viewer: caller data masked by role (domain.md §6). */
export function ticketView(t: TicketDoc, viewer: Viewer, withHistory: boolean) {
  const visibility = callerVisibility(isHotlineStaff(viewer), { confidential: !!t.confidential, type: t.type as RequestType });
  const hideActors = visibility === 'hidden';
  return {
    id: t._id.toHexString(),
    number: t.number,
    channel: t.channel,
    status: t.status,
    statusLabel: STATUSES[t.status as TicketStatus],
    type: t.type,
    category: t.category?.code ? t.category : null,
    urgency: t.urgency,
    title: t.title ?? null,
    content: t.content,
    location: t.location ?? {},
    confidential: !!t.confidential,
    caller: viewCaller({ phone: t.caller.phone, ...(t.caller.name ? { name: t.caller.name } : {}) }, visibility),
    owner: t.owner,
    lead: t.lead?.unitId ? t.lead : null,
    coUnits: t.coUnits ?? [],
    // Whole, as the domain has it (the ticket stores most of it as one string: DeadlinesRecord).
    deadlines: storedDeadlines(t) ?? t.deadlines ?? null,
    overdue: !!t.overdue,
    emergency: t.emergency?.line ? t.emergency : null,
    closure: t.closure?.reason ? t.closure : null,
    acceptedAt: t.acceptedAt ?? null,
    contactedAt: t.contactedAt ?? null,
    returnCount: t.returnCount ?? 0,
    returnRequest: t.returnRequest ?? null,
    coParts: t.coParts ?? [],
    reply: t.reply ?? null,
    reviewRejections: t.reviewRejections ?? 0,
    callback: t.callback ?? null,
    redoCount: t.redoCount ?? 0,
    routing: routingSummary(t.routing),
    repeatCount: t.repeatCount ?? 0,
    repeatOf: t.repeatOf ?? null,
    mergedInto: t.mergedInto ?? null,
    version: t.version,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    ...(withHistory
      ? {
          history: t.history.map((h) => ({
            ...h,
            // The citizen's own events must not reveal who reported on a protected ticket.
            actor: hideActors && h.actor.role === 'citizen' ? { id: null, name: '市民', role: 'citizen' } : h.actor,
          })),
        }
      : {}),
  };
}

/** Refuse a ticket outside the viewer's scope (404 would leak nothing more, but 403 tells the truth to staff tools). */
export function assertCanSee(viewer: Viewer, t: Pick<TicketDoc, 'scopeUnitIds'>): void {
  if (!canSeeTicket(viewer, { scopeUnitIds: t.scopeUnitIds ?? [] })) {
    throw new ForbiddenError('无权查看该工单 (ticket outside your scope)');
  }
}

/** Hotline staff opening a ticket see the caller in full: that reveal is audited. */
export async function auditCallerView(viewer: Viewer, t: { _id: Types.ObjectId; number: string }, requestId: string) {
  if (!isHotlineStaff(viewer)) return;
  // Awaited: if the audit cannot be written the reveal is refused (the error handler logs it).
  await Audit.create({
    at: new Date(),
    action: 'view_caller',
    userId: viewer.id,
    userName: viewer.name,
    ticketId: t._id,
    ticketNumber: t.number,
    requestId,
  });
}
