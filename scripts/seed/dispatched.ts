import { Types } from 'mongoose';
import type { WorkCalendar } from '../../server/domain/calendar.ts';
import {
  deadlinesForDispatch,
  deadlinesRecord,
  DEFAULT_POLICY_TABLE,
  scheduledTimers,
  scheduleFields,
  storedDeadlines,
  timerScheduleId,
  type StoredDeadlines,
} from '../../server/domain/deadlines.ts';
import type { TimerScheduleRecord } from '../../server/data/models/timer-schedule.ts';
import type { TicketRecord, Urgency } from '../../server/domain/ticket.ts';

/**
 * An open ticket already dispatched to a unit, with its deadlines computed
 * under the default policy: the shape timer benchmarks and tests load in bulk.
 * Levels whose instant is at or before `firedUpTo` count as fired earlier.
 */
export function dispatchedTicket(opts: {
  key: string;
  number: string;
  urgency: Urgency;
  dispatchedAt: Date;
  lead: { unitId: string; unitName: string };
  scopeUnitIds: string[];
  calendar: WorkCalendar;
  firedUpTo?: number;
}): TicketRecord {
  const base = deadlinesForDispatch({ type: 'help', urgency: opts.urgency }, opts.lead.unitId, DEFAULT_POLICY_TABLE, opts.dispatchedAt, opts.calendar);
  const deadlines: StoredDeadlines =
    opts.firedUpTo === undefined ? base : { ...base, fired: base.timers.filter((x) => x.fireAt.getTime() <= opts.firedUpTo!).map((x) => x.key) };
  const actor = { id: null, name: 'seed', role: 'system' as const };
  const at = opts.dispatchedAt;
  return {
    _id: new Types.ObjectId(),
    number: opts.number,
    day: '2025-01-01',
    channel: 'phone',
    caller: { phone: '13800000000', phoneLast4: '0000' },
    type: 'help',
    urgency: opts.urgency,
    content: `第${opts.key}号`,
    location: {},
    confidential: false,
    status: 'dispatched',
    owner: { kind: 'center', id: null, name: '12345热线中心' },
    lead: opts.lead,
    coUnits: [],
    scopeUnitIds: opts.scopeUnitIds,
    deadlines: deadlinesRecord(deadlines) as unknown as Record<string, unknown>,
    overdue: false,
    intakeKey: opts.key,
    intakeFingerprint: 'x',
    searchTokens: [],
    version: 2,
    history: [
      { seq: 1, at, type: 'created', actor },
      { seq: 2, at, type: 'dispatched', actor },
    ],
    createdAt: at,
    updatedAt: at,
  };
}

/** The timer schedule entry a dispatch writes for such a ticket (services/deadlines.ts), for bulk loads; null when nothing is left to time. */
export function timerScheduleEntry(t: TicketRecord): TimerScheduleRecord | null {
  const d = storedDeadlines(t)!;
  const fields = scheduleFields(scheduledTimers(t));
  if (!fields) return null;
  return { _id: timerScheduleId(t._id.toHexString(), d.version), ticketId: t._id, version: d.version, ...fields, writtenAt: new Date() };
}
