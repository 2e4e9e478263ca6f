/**
 * Ticket vocabulary of the 12345 domain (domain.md §2-§4) and the pure rules of
 * intake. No I/O here: callers pass plain data and get plain data back.
 */
export const REQUEST_TYPES = {
  consult: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
  praise: '表扬',
  demand: '求决',
  appeal: '申诉',
  accuse: '检举',
  other: '其他',
} as const;
export type RequestType = keyof typeof REQUEST_TYPES;
export const REQUEST_TYPE_KEYS = Object.keys(REQUEST_TYPES) as [RequestType, ...RequestType[]];

/** 举报 and 检举 protect the reporter: no unit ever sees who reported. */
export const IDENTITY_PROTECTED_TYPES: ReadonlySet<RequestType> = new Set(['report', 'accuse']);

export const URGENCIES = { critical: '特急', urgent: '紧急', normal: '一般' } as const;
export type Urgency = keyof typeof URGENCIES;
export const URGENCY_KEYS = Object.keys(URGENCIES) as [Urgency, ...Urgency[]];

export const CHANNELS = { phone: '电话', web: '网站', wechat: '微信', app: 'APP', open311: 'Open311' } as const;
export type Channel = keyof typeof CHANNELS;

export const EMERGENCY_LINES = { '110': '公安', '119': '消防', '120': '急救', '122': '交警' } as const;
export type EmergencyLine = keyof typeof EMERGENCY_LINES;
export const EMERGENCY_LINE_KEYS = Object.keys(EMERGENCY_LINES) as [EmergencyLine, ...EmergencyLine[]];

/**
 * Ticket statuses along the closed loop 受理-派单-办理-答复-审核-回访-办结.
 * `new` waits for the routing worker; `manual` waits for a human dispatcher.
 */
export const STATUSES = {
  new: '待派单',
  manual: '待人工派单',
  dispatched: '已派单',
  accepted: '办理中',
  return_requested: '退单待审',
  arbitration: '派单异议待裁决',
  replied: '已答复待审核',
  callback: '待回访',
  closed: '已办结',
  merged: '已并单',
} as const;
export type TicketStatus = keyof typeof STATUSES;
export const STATUS_KEYS = Object.keys(STATUSES) as [TicketStatus, ...TicketStatus[]];

export const CLOSE_REASONS = {
  direct_answer: '直接答复',
  emergency_transfer: '转急',
  resolved: '办结',
} as const;
export type CloseReason = keyof typeof CLOSE_REASONS;

/** What the operator did with the call at intake. */
export type IntakeOutcome =
  | { kind: 'ticket' }
  | { kind: 'direct_answer'; answer: string }
  | { kind: 'emergency_transfer'; line: EmergencyLine; note?: string }
  /** 并单 at intake: the call repeats an open ticket and is born merged into it, never routed. */
  | { kind: 'merge'; parentId: string; note?: string };

export interface Actor {
  id: string;
  name: string;
  role: Role;
  unitId: string;
}

export const ROLES = {
  operator: '话务员',
  dispatcher: '派单员',
  unit_handler: '承办人',
  manager: '管理人员',
  admin: '系统管理员',
} as const;
export type Role = keyof typeof ROLES;
export const ROLE_KEYS = Object.keys(ROLES) as [Role, ...Role[]];

export interface HistoryEvent {
  seq: number;
  at: Date;
  type: string;
  actor: { id: string | null; name: string; role: Role | 'citizen' | 'system' };
  note?: string;
  data?: Record<string, unknown>;
  /** Shown to the citizen in the public progress lookup (the approved reply, the closure). */
  public?: boolean;
}

export interface CallerInput {
  name?: string;
  phone: string;
}

export interface IntakeInput {
  channel: Channel;
  caller: CallerInput;
  type: RequestType;
  categoryCode?: string;
  urgency: Urgency;
  title?: string;
  content: string;
  address?: string;
  areaCode?: string;
  point?: { lng: number; lat: number };
  confidential: boolean;
  callId?: string;
  outcome: IntakeOutcome;
}

/** Fields of a new ticket decided by the domain (status, owner, first history). */
export interface NewTicketState {
  status: TicketStatus;
  closure?: { reason: CloseReason; at: Date; answer?: string; line?: EmergencyLine };
  emergency?: { line: EmergencyLine; at: Date; note?: string };
  owner: { kind: 'user' | 'center'; id: string | null; name: string };
  history: HistoryEvent[];
}

/**
 * Decide the initial state of a ticket. 首问责任制: the operator who took the
 * call owns it until a unit accepts; a web message is owned by the center until
 * dispatch, so no ticket ever sits with nobody responsible.
 */
export function initialState(input: IntakeInput, by: Actor | null, at: Date): NewTicketState {
  const actor: HistoryEvent['actor'] = by
    ? { id: by.id, name: by.name, role: by.role }
    : { id: null, name: input.caller.name?.trim() || '市民', role: 'citizen' };
  const owner: NewTicketState['owner'] = by
    ? { kind: 'user', id: by.id, name: by.name }
    : { kind: 'center', id: null, name: '12345热线中心' };
  const history: HistoryEvent[] = [
    { seq: 1, at, type: 'created', actor, data: { channel: input.channel, type: input.type, urgency: input.urgency } },
  ];
  const outcome = input.outcome;
  switch (outcome.kind) {
    case 'ticket':
    case 'merge':
      // A merge is the workflow's merge command (domain/workflow.ts), applied to the new ticket before it is stored.
      return { status: 'new', owner, history };
    case 'direct_answer':
      history.push({ seq: 2, at, type: 'direct_answered', actor, note: outcome.answer });
      return { status: 'closed', owner, history, closure: { reason: 'direct_answer', at, answer: outcome.answer } };
    case 'emergency_transfer':
      history.push({
        seq: 2,
        at,
        type: 'emergency_transferred',
        actor,
        ...(outcome.note ? { note: outcome.note } : {}),
        data: { line: outcome.line },
      });
      return {
        status: 'closed',
        owner,
        history,
        emergency: { line: outcome.line, at, ...(outcome.note ? { note: outcome.note } : {}) },
        closure: { reason: 'emergency_transfer', at, line: outcome.line },
      };
  }
}

/** Statuses in which the hotline still owes the citizen an answer. */
export const OPEN_STATUSES: readonly TicketStatus[] = [
  'new',
  'manual',
  'dispatched',
  'accepted',
  'return_requested',
  'arbitration',
  'replied',
  'callback',
];

export interface UnitRef {
  unitId: string;
  unitName: string;
}

/** The routing worker's decision as the ticket keeps it: what it suggests, how sure, and why (the dispatch queue shows it). */
export interface RoutingSummary {
  decision: 'dispatch' | 'park';
  suggestion: { unitId: string; unitName: string } | null;
  coUnits: { unitId: string; unitName: string }[];
  confidence: number;
  /** Why, in Chinese: the area, the rules that matched, the reason a dispatcher must decide. */
  explanation: string[];
  /** The rules that scored, best first (at most five). */
  matchedRules: { id: string; name: string; score: number }[];
  /** The classifier's category guesses worth naming (a ticket without an operator's category). */
  categoryGuesses: { code: string; confidence: number }[];
  area: import('./routing/route.ts').ResolvedArea | null;
}

/** The routing summary as stored: its JSON text, or the object tickets routed before it was stored as text still hold. */
export function routingSummary(stored: RoutingSummary | string | null | undefined): RoutingSummary | null {
  if (!stored) return null;
  return typeof stored === 'string' ? (JSON.parse(stored) as RoutingSummary) : stored;
}

/** The stored ticket as plain data (architecture.md "Tickets"). */
export interface TicketRecord {
  _id: import('mongoose').Types.ObjectId;
  number: string;
  /** Asia/Shanghai day of intake, for reports. */
  day: string;
  channel: Channel;
  caller: { name?: string; phone: string; phoneLast4: string };
  type: RequestType;
  category?: { code: string; path: string[] };
  urgency: Urgency;
  title?: string;
  content: string;
  location: { address?: string; areaCode?: string; point?: { lng: number; lat: number } };
  confidential: boolean;
  callId?: string;
  status: TicketStatus;
  owner: { kind: 'user' | 'center' | 'unit'; id: string | null; name: string };
  lead?: UnitRef;
  coUnits: UnitRef[];
  /** Lead and co-handling units with all their ancestors: the access scope. */
  scopeUnitIds: string[];
  deadlines?: Record<string, unknown>;
  overdue: boolean;
  emergency?: { line: EmergencyLine; at: Date; note?: string };
  closure?: { reason: CloseReason; at: Date; answer?: string; line?: EmergencyLine };
  mergedInto?: import('mongoose').Types.ObjectId;
  /** Unit workflow facts, kept as plain fields so metrics and lists need no history scan. */
  acceptedAt?: Date;
  contactedAt?: Date;
  returnCount?: number;
  returnRequest?: ReturnRequest;
  coParts?: CoPart[];
  reply?: Reply;
  repliedAt?: Date;
  reviewRejections?: number;
  callback?: CallbackResult;
  redoCount?: number;
  /** 重复件: the earlier closed-unresolved ticket this one repeats, and how many times the matter has come back. */
  repeatOf?: import('mongoose').Types.ObjectId;
  repeatCount?: number;
  /**
   * The routing worker's decision: suggestion, confidence and reasons (shown in
   * the dispatch queue). Stored as its JSON text: nothing queries inside it, and
   * FerretDB keeps a type schema beside every nested value (1.3 KB for this
   * summary, read and written again with every change of the ticket). Read it
   * with routingSummary().
   */
  routing?: RoutingSummary | string;
  /** Idempotency scope+key; tickets without a client key get a unique generated one. */
  intakeKey: string;
  intakeFingerprint: string;
  createdBy?: { id: string; name: string; role: Role };
  searchTokens: string[];
  version: number;
  history: HistoryEvent[];
  createdAt: Date;
  updatedAt: Date;
}

export const REPLY_RESULTS = { resolved: '已解决', partly: '部分解决', unresolved: '未解决', explained: '解释说明' } as const;
export type ReplyResult = keyof typeof REPLY_RESULTS;
export const REPLY_RESULT_KEYS = Object.keys(REPLY_RESULTS) as [ReplyResult, ...ReplyResult[]];

export const SATISFACTION = { satisfied: '满意', basically: '基本满意', unsatisfied: '不满意' } as const;
export type Satisfaction = keyof typeof SATISFACTION;
export const SATISFACTION_KEYS = Object.keys(SATISFACTION) as [Satisfaction, ...Satisfaction[]];

export interface ReturnRequest {
  reason: string;
  unitId: string;
  unitName: string;
  at: Date;
  by: { id: string; name: string };
  /** Status to go back to if the return is rejected. */
  fromStatus: TicketStatus;
}

export interface CoPart {
  unitId: string;
  unitName: string;
  text: string;
  at: Date;
  by: { id: string; name: string };
}

export interface Reply {
  result: ReplyResult;
  text: string;
  at: Date;
  unitId: string;
  by: { id: string; name: string };
  /** Why the lead replied before every co-handling part was in. */
  override?: string;
  /** Required from the second repeat of an unresolved matter: the cause and who is responsible. */
  cause?: string;
  responsibility?: string;
}

export interface CallbackResult {
  satisfaction: Satisfaction;
  resolved: boolean;
  unitFault: boolean;
  note?: string;
  at: Date;
  by: { id: string; name: string };
}
