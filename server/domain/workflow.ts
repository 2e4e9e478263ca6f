import { ConflictError, ForbiddenError, ValidationError } from '../errors.ts';
import {
  REPLY_RESULTS,
  SATISFACTION,
  type Actor,
  type CallbackResult,
  type CoPart,
  type HistoryEvent,
  type ReplyResult,
  type Role,
  type Satisfaction,
  type TicketRecord,
  type TicketStatus,
  type UnitRef,
  OPEN_STATUSES,
} from './ticket.ts';
import { EXPLAIN_FROM_REPEAT } from './repeats.ts';
import { lightOf, type BoardTicket } from './metrics.ts';

/**
 * The closed loop of domain.md §2 as pure functions: (ticket, command, actor,
 * time) → the fields to set and the history events to append, or an error
 * (409 wrong state, 403 wrong role or unit). The data layer applies a change
 * atomically (data/tickets.ts applyTicketChange); nothing here does I/O.
 */
export interface Change {
  set: Record<string, unknown>;
  events: Omit<HistoryEvent, 'seq'>[];
}

export type WorkflowTicket = Pick<TicketRecord, 'status'> &
  Partial<Pick<TicketRecord, 'lead' | 'coUnits' | 'returnCount' | 'returnRequest' | 'coParts' | 'reply' | 'redoCount' | 'contactedAt' | 'reviewRejections' | 'repeatCount' | 'overdue' | 'deadlines'>>;

export interface UnitWithAncestors extends UnitRef {
  ancestors: string[];
}

/** Settings that cities differ on. */
export interface WorkflowSettings {
  /** After this many returns of one ticket, a manager arbitrates (派单异议审核). */
  maxReturnsBeforeArbitration: number;
}
export const DEFAULT_WORKFLOW_SETTINGS: WorkflowSettings = { maxReturnsBeforeArbitration: 2 };

export type Command =
  | { kind: 'dispatch'; lead: UnitWithAncestors; coUnits: UnitWithAncestors[]; note?: string }
  | { kind: 'redispatch'; lead: UnitWithAncestors; coUnits: UnitWithAncestors[]; reason: string }
  | { kind: 'accept' }
  | { kind: 'contact'; note: string }
  | { kind: 'progress'; note: string }
  | { kind: 'request_return'; reason: string; returnWindowEndsAt: Date | null }
  | { kind: 'decide_return'; approve: boolean; reason: string }
  | { kind: 'arbitrate'; lead: UnitWithAncestors; coUnits: UnitWithAncestors[]; reason: string }
  | { kind: 'co_report'; text: string }
  | { kind: 'reply'; result: ReplyResult; text: string; override?: string; cause?: string; responsibility?: string }
  | { kind: 'merge'; parent: { id: string; number: string; status: TicketStatus }; note?: string }
  | { kind: 'review'; approve: boolean; reason?: string }
  | { kind: 'callback'; satisfaction: Satisfaction; resolved: boolean; unitFault: boolean; note?: string }
  | { kind: 'supervise'; note: string };

export type CommandKind = Command['kind'];

/** Who may issue each command (the unit checks come on top, per command). */
export const COMMAND_ROLES: Record<CommandKind, readonly Role[]> = {
  dispatch: ['dispatcher', 'admin'],
  redispatch: ['dispatcher', 'admin'],
  accept: ['unit_handler'],
  contact: ['unit_handler'],
  progress: ['unit_handler'],
  request_return: ['unit_handler'],
  decide_return: ['dispatcher', 'admin'],
  arbitrate: ['manager', 'admin'],
  co_report: ['unit_handler'],
  reply: ['unit_handler'],
  review: ['dispatcher', 'manager', 'admin'],
  callback: ['operator', 'dispatcher', 'admin'],
  merge: ['operator', 'dispatcher', 'admin'],
  supervise: ['manager'],
};

/** Statuses each command may start from. */
export const COMMAND_FROM: Record<CommandKind, readonly TicketStatus[]> = {
  dispatch: ['new', 'manual'],
  redispatch: ['manual', 'dispatched', 'accepted'],
  accept: ['dispatched'],
  contact: ['dispatched', 'accepted'],
  progress: ['dispatched', 'accepted'],
  request_return: ['dispatched', 'accepted'],
  decide_return: ['return_requested'],
  arbitrate: ['arbitration'],
  co_report: ['dispatched', 'accepted'],
  reply: ['accepted'],
  review: ['replied'],
  callback: ['callback'],
  merge: ['new', 'manual'],
  // Only while the unit holds the ticket: that is who the supervision order goes to.
  supervise: ['dispatched', 'accepted'],
};

const LABEL: Record<CommandKind, string> = {
  dispatch: '派单',
  redispatch: '改派',
  accept: '签收',
  contact: '登记先行联系',
  progress: '登记办理进展',
  request_return: '申请退单',
  decide_return: '审核退单',
  arbitrate: '裁决派单异议',
  co_report: '提交协办意见',
  reply: '答复',
  review: '审核答复',
  callback: '登记回访',
  merge: '并单',
  supervise: '督办',
};

export function assertStatus(t: Pick<TicketRecord, 'status'>, allowed: readonly TicketStatus[], action: string): void {
  if (!allowed.includes(t.status)) {
    throw new ConflictError('invalid_state', `工单当前状态不能${action} (cannot ${action} a ticket in status ${t.status})`, {
      status: t.status,
      allowed,
    });
  }
}

const actorOf = (by: Actor): HistoryEvent['actor'] => ({ id: by.id, name: by.name, role: by.role });
const person = (by: Actor) => ({ id: by.id, name: by.name });
const ref = (u: UnitRef): UnitRef => ({ unitId: u.unitId, unitName: u.unitName });

function requireText(field: string, value: string | undefined): string {
  const v = value?.trim();
  if (!v) throw new ValidationError([{ field, problem: '不能为空 (required)' }]);
  return v;
}

function assertLeadHandler(t: WorkflowTicket, by: Actor, action: string): UnitRef {
  if (!t.lead || t.lead.unitId !== by.unitId) {
    throw new ForbiddenError(`只有主办单位可以${action} (only the lead unit may ${action})`);
  }
  return t.lead;
}

function assignment(lead: UnitWithAncestors, coUnits: UnitWithAncestors[]) {
  if (coUnits.some((c) => c.unitId === lead.unitId)) {
    throw new ConflictError('invalid_dispatch', '主办单位不能同时是协办单位 (lead unit listed as co-handling)');
  }
  if (new Set(coUnits.map((c) => c.unitId)).size !== coUnits.length) {
    throw new ConflictError('invalid_dispatch', '协办单位重复 (co-handling unit listed twice)');
  }
  const scope = new Set<string>();
  for (const u of [lead, ...coUnits]) {
    scope.add(u.unitId);
    for (const a of u.ancestors) scope.add(a);
  }
  return {
    status: 'dispatched',
    lead: ref(lead),
    coUnits: coUnits.map(ref),
    scopeUnitIds: [...scope],
    coParts: [],
    // 首问责任: the center answers for the ticket until the new unit accepts it.
    owner: { kind: 'center', id: null, name: '12345热线中心' },
  };
}

/**
 * Decide one command. Throws 403 (role or unit), 409 (state) or 422 (input);
 * otherwise returns the change. `settings` carries the city's rules.
 */
export function decide(t: WorkflowTicket, cmd: Command, by: Actor, at: Date, settings = DEFAULT_WORKFLOW_SETTINGS): Change {
  if (!COMMAND_ROLES[cmd.kind].includes(by.role)) {
    throw new ForbiddenError(`当前角色不能${LABEL[cmd.kind]} (role ${by.role} may not ${cmd.kind})`);
  }
  assertStatus(t, COMMAND_FROM[cmd.kind], LABEL[cmd.kind]);
  const actor = actorOf(by);

  switch (cmd.kind) {
    case 'dispatch': {
      const set = assignment(cmd.lead, cmd.coUnits);
      return {
        set,
        events: [{ at, type: 'dispatched', actor, ...(cmd.note ? { note: cmd.note } : {}), data: { lead: set.lead, coUnits: set.coUnits } }],
      };
    }
    case 'redispatch': {
      const reason = requireText('reason', cmd.reason);
      const set = assignment(cmd.lead, cmd.coUnits);
      return {
        set: { ...set, acceptedAt: null },
        events: [{ at, type: 'redispatched', actor, note: reason, data: { from: t.lead ?? null, lead: set.lead, coUnits: set.coUnits } }],
      };
    }
    case 'accept': {
      const lead = assertLeadHandler(t, by, '签收');
      return {
        set: { status: 'accepted', acceptedAt: at, owner: { kind: 'unit', id: lead.unitId, name: lead.unitName } },
        events: [{ at, type: 'accepted', actor, data: { unit: lead } }],
      };
    }
    case 'contact': {
      assertLeadHandler(t, by, '登记先行联系');
      const note = requireText('note', cmd.note);
      return { set: t.contactedAt ? {} : { contactedAt: at }, events: [{ at, type: 'contacted', actor, note }] };
    }
    case 'progress': {
      const unit = [t.lead, ...(t.coUnits ?? [])].find((u) => u?.unitId === by.unitId);
      if (!unit) throw new ForbiddenError('只有主办或协办单位可以登记进展 (only the lead or a co-handling unit)');
      return { set: {}, events: [{ at, type: 'progress', actor, note: requireText('note', cmd.note), data: { unit: ref(unit) } }] };
    }
    case 'request_return': {
      const lead = assertLeadHandler(t, by, '申请退单');
      const reason = requireText('reason', cmd.reason);
      if (cmd.returnWindowEndsAt && at > cmd.returnWindowEndsAt) {
        throw new ConflictError('return_window_passed', `已超过退单时限（${cmd.returnWindowEndsAt.toISOString()}）(the return window has passed)`);
      }
      return {
        set: {
          status: 'return_requested',
          returnRequest: { reason, unitId: lead.unitId, unitName: lead.unitName, at, by: person(by), fromStatus: t.status },
        },
        events: [{ at, type: 'return_requested', actor, note: reason, data: { unit: lead } }],
      };
    }
    case 'decide_return': {
      const req = t.returnRequest;
      if (!req) throw new ConflictError('invalid_state', '没有待审核的退单申请 (no return request)');
      const reason = requireText('reason', cmd.reason);
      if (!cmd.approve) {
        return {
          set: { status: req.fromStatus, returnRequest: null },
          events: [{ at, type: 'return_rejected', actor, note: reason, data: { unit: ref(req) } }],
        };
      }
      const returnCount = (t.returnCount ?? 0) + 1;
      const arbitration = returnCount >= settings.maxReturnsBeforeArbitration;
      return {
        set: {
          status: arbitration ? 'arbitration' : 'manual',
          returnCount,
          returnRequest: null,
          lead: null,
          coUnits: [],
          coParts: [],
          scopeUnitIds: [],
          acceptedAt: null,
          owner: { kind: 'center', id: null, name: '12345热线中心' },
        },
        events: [
          { at, type: 'return_approved', actor, note: reason, data: { unit: ref(req), returnCount } },
          ...(arbitration
            ? [{ at, type: 'arbitration_requested', actor, note: `已退单 ${returnCount} 次，提交派单异议审核`, data: { returnCount } }]
            : []),
        ],
      };
    }
    case 'arbitrate': {
      const reason = requireText('reason', cmd.reason);
      const set = assignment(cmd.lead, cmd.coUnits);
      return { set, events: [{ at, type: 'arbitrated', actor, note: reason, data: { lead: set.lead, coUnits: set.coUnits } }] };
    }
    case 'co_report': {
      const unit = (t.coUnits ?? []).find((u) => u.unitId === by.unitId);
      if (!unit) throw new ForbiddenError('只有协办单位可以提交协办意见 (only a co-handling unit)');
      const text = requireText('text', cmd.text);
      const part: CoPart = { unitId: unit.unitId, unitName: unit.unitName, text, at, by: person(by) };
      // A unit may revise its part until the lead replies: the latest one counts.
      const coParts = [...(t.coParts ?? []).filter((p) => p.unitId !== unit.unitId), part];
      return { set: { coParts }, events: [{ at, type: 'co_reported', actor, note: text, data: { unit: ref(unit) } }] };
    }
    case 'reply': {
      const lead = assertLeadHandler(t, by, '答复');
      const text = requireText('text', cmd.text);
      if (!(cmd.result in REPLY_RESULTS)) throw new ValidationError([{ field: 'result', problem: '未知的办理结果 (unknown result)' }]);
      const missing = (t.coUnits ?? []).filter((u) => !(t.coParts ?? []).some((p) => p.unitId === u.unitId));
      const override = cmd.override?.trim();
      if (missing.length && !override) {
        throw new ConflictError('co_parts_missing', `协办单位尚未提交意见：${missing.map((u) => u.unitName).join('、')}；如需先行答复请填写理由`, {
          missing: missing.map((u) => u.unitId),
        });
      }
      // From the second repeat of an unresolved matter the reply must say why and who is responsible.
      const explain = (t.repeatCount ?? 0) >= EXPLAIN_FROM_REPEAT;
      const cause = cmd.cause?.trim();
      const responsibility = cmd.responsibility?.trim();
      if (explain && (!cause || !responsibility)) {
        throw new ValidationError(
          [
            ...(cause ? [] : [{ field: 'cause', problem: `该诉求已重复 ${t.repeatCount} 次，须说明问题原因 (repeat: state the cause)` }]),
            ...(responsibility ? [] : [{ field: 'responsibility', problem: '须说明责任主体 (repeat: state who is responsible)' }]),
          ],
        );
      }
      return {
        set: {
          status: 'replied',
          repliedAt: at,
          reply: {
            result: cmd.result,
            text,
            at,
            unitId: lead.unitId,
            by: person(by),
            ...(missing.length && override ? { override } : {}),
            ...(cause ? { cause } : {}),
            ...(responsibility ? { responsibility } : {}),
          },
        },
        events: [
          {
            at,
            type: 'replied',
            actor,
            note: text,
            data: { result: cmd.result, unit: lead, ...(missing.length && override ? { override, missing: missing.map(ref) } : {}) },
          },
        ],
      };
    }
    case 'review': {
      if (cmd.approve) {
        // The approved reply is what the citizen sees in the progress lookup.
        return {
          set: { status: 'callback' },
          events: [{ at, type: 'reviewed', actor, public: true, note: t.reply?.text ?? '', data: { result: t.reply?.result ?? null } }],
        };
      }
      const reason = requireText('reason', cmd.reason);
      return {
        set: { status: 'accepted', reviewRejections: (t.reviewRejections ?? 0) + 1 },
        events: [{ at, type: 'review_rejected', actor, note: reason }],
      };
    }
    case 'merge': {
      if (!OPEN_STATUSES.includes(cmd.parent.status) || cmd.parent.status === 'merged') {
        throw new ConflictError('invalid_merge', `只能并入未办结的工单（${cmd.parent.number} 当前为 ${cmd.parent.status}）(merge into an open ticket)`);
      }
      return {
        set: { status: 'merged', mergedInto: cmd.parent.id, owner: { kind: 'center', id: null, name: '12345热线中心' } },
        events: [{ at, type: 'merged', actor, public: true, note: `与工单 ${cmd.parent.number} 为同一诉求，已并案办理${cmd.note ? `：${cmd.note}` : ''}`, data: { parent: cmd.parent.number } }],
      };
    }
    case 'supervise': {
      // 督办 (domain.md §2): a manager's order to the lead unit about a ticket past its deadline
      // (the flag its timer sets, or the deadline's instant if the timer has not run yet).
      const late = lightOf({ status: t.status, overdue: !!t.overdue, deadlines: t.deadlines as BoardTicket['deadlines'] }, at.getTime()).light === 'overdue';
      if (!late) throw new ConflictError('not_overdue', '工单未超期，无需督办 (only an overdue ticket is supervised)');
      const note = requireText('note', cmd.note);
      return { set: {}, events: [{ at, type: 'supervised', actor, note, data: { unit: t.lead ? ref(t.lead) : null } }] };
    }
    case 'callback': {
      if (!(cmd.satisfaction in SATISFACTION)) throw new ValidationError([{ field: 'satisfaction', problem: '未知的满意度 (unknown value)' }]);
      const callback: CallbackResult = {
        satisfaction: cmd.satisfaction,
        resolved: cmd.resolved,
        unitFault: cmd.unitFault,
        ...(cmd.note ? { note: cmd.note } : {}),
        at,
        by: person(by),
      };
      const event = { at, type: 'callback', actor, ...(cmd.note ? { note: cmd.note } : {}), data: { satisfaction: cmd.satisfaction, resolved: cmd.resolved, unitFault: cmd.unitFault } };
      if (cmd.satisfaction === 'unsatisfied' && cmd.unitFault) {
        // 重办: back to the same lead unit, which must accept it again (with a new resolve limit).
        return {
          set: { status: 'dispatched', callback, redoCount: (t.redoCount ?? 0) + 1, reply: null, coParts: [], acceptedAt: null },
          events: [event, { at, type: 'redo', actor, note: '市民不满意且属承办单位原因，退回重办', data: { redoCount: (t.redoCount ?? 0) + 1 } }],
        };
      }
      return {
        set: { status: 'closed', callback, closure: { reason: 'resolved', at } },
        events: [event, { at, type: 'closed', actor, public: true, note: '工单已办结' }],
      };
    }
  }
}

export type DispatchCommand = Omit<Extract<Command, { kind: 'dispatch' }>, 'kind'>;

/** 派单: name the lead unit and any co-handling units; the scope grows to them and their ancestors. */
export function dispatch(t: WorkflowTicket, cmd: DispatchCommand, by: Actor, at: Date): Change {
  return decide(t, { kind: 'dispatch', ...cmd }, by, at);
}
