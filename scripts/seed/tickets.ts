import { WorkCalendar } from '../../server/domain/calendar.ts';
import { unitWithAncestors } from '../../server/domain/access.ts';
import { phoneLast4 } from '../../server/domain/privacy.ts';
import { searchTokens } from '../../server/domain/text.ts';
import { formatTicketNumber, shanghaiDay } from '../../server/domain/ticket-number.ts';
import {
  deadlinesAfterExtension,
  deadlinesForDispatch,
  deadlinesRecord,
  decideTimer,
  DEFAULT_POLICY_TABLE,
  TIMED_STATUSES,
  timerFiredChange,
  type StoredDeadlines,
} from '../../server/domain/deadlines.ts';
import type {
  Channel,
  HistoryEvent,
  RequestType,
  TicketRecord,
  TicketStatus,
  UnitRef,
  Urgency,
} from '../../server/domain/ticket.ts';
import type { SeedCategory } from './categories.ts';
import { Rng, mobile, personName, seedObjectId } from './random.ts';
import {
  BUS_LINES,
  COMPANIES,
  GYMS,
  HOSPITALS,
  RESTAURANTS,
  SHOPS,
  TEMPLATES,
  type ReplyResult,
  type TicketTemplate,
} from './ticket-templates.ts';
import { CENTER_ID, unitMeta, type SeedUnit } from './units.ts';
import type { SeedUser } from './users.ts';

/**
 * A few hundred tickets over the last weeks, each walked along the closed
 * loop (受理-派单-签收-答复-审核-回访-办结) with timestamps from a working-day
 * calendar, cut off at `now`: old tickets are mostly closed, recent ones are
 * still with the dispatcher or the unit. Pure: the same inputs give the same
 * tickets.
 *
 * Versioning follows the service: the intake is one change (created, plus
 * direct_answered or emergency_transferred when the call ends there); every
 * later event is one change. So version = history.length, less one when the
 * intake had two events.
 */

export interface DemoTicketOptions {
  /** How many tickets (default 340). */
  count?: number;
  /** Spread over this many days up to `now` (default 28). */
  days?: number;
  seed?: number;
}

type Event = HistoryEvent & { public?: boolean };
type Actor = Event['actor'];

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
/** Asia/Shanghai has had no daylight saving since 1991: a fixed +8 h. */
const SHANGHAI_OFFSET = 8 * HOUR;

const ROUTING_ACTOR: Actor = { id: null, name: '智能派单', role: 'system' };
const MONITOR_ACTOR: Actor = { id: null, name: '时限监控', role: 'system' };
const CENTER_OWNER = { kind: 'center' as const, id: null, name: '12345热线中心' };

/** Share of request types among tickets that are not emergency transfers (domain.md §3, tilted towards actionable work for the demo). */
const TYPE_MIX: ReadonlyArray<readonly [RequestType, number]> = [
  ['consult', 42],
  ['help', 30],
  ['complaint', 14],
  ['report', 6],
  ['suggestion', 4.5],
  ['praise', 2.5],
];
const EMERGENCY_SHARE = 0.022;

/** Calls by hour of day (Shanghai), busiest mid-morning and mid-afternoon. */
const HOUR_WEIGHTS = [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 3.5, 3.8, 3.2, 2.0, 2.2, 3.2, 3.4, 3.2, 2.6, 1.8, 1.8, 1.7, 1.3, 0.9, 0.5];

const CHANNEL_MIX: ReadonlyArray<readonly [Channel, number]> = [
  ['phone', 60],
  ['wechat', 20],
  ['web', 17],
  ['app', 3],
];

/** Where a ticket is wrongly sent first, before the unit returns it (退单). */
const MISROUTE: Record<string, string> = {
  'dept-zrzy': 'dept-zjj',
  'dept-zjj': 'dept-zrzy',
  'dept-ybj': 'dept-rsj',
  'dept-rsj': 'dept-ybj',
  'dept-gaj-jj': 'dept-jtj',
  'dept-jtj': 'dept-gaj-jj',
  'dept-cgj': 'dept-zjj',
  'dept-swj': 'dept-cgj',
  'ent-zls': 'dept-swj',
  'dept-scj': 'dept-swuj',
  'dept-sthj': 'dept-cgj',
  'dept-jyj': 'dept-rsj',
  'dept-gjj': 'dept-zjj',
};

const PROGRESS_NOTES = [
  '已安排工作人员到现场核查情况。',
  '已约谈相关责任单位，督促其限期整改。',
  '正在协调相关部门联合处置，将尽快答复。',
  '现场核查已完成，正在制定处理方案。',
];

const CONTACT_NOTES = [
  '已电话联系来电人，了解具体情况，告知将尽快核实处理。',
  '已与来电人取得联系，约定上门查看时间。',
  '已电话联系来电人，告知办理进度及预计答复时间。',
];

const REVIEW_OK = ['答复内容完整，处理结果明确，审核通过。', '审核通过。', '已核对答复内容与诉求一致，审核通过。'];
const REVIEW_BACK = [
  '答复未说明具体处理措施和结果，请补充后重新答复。',
  '答复内容与来电人诉求不符，请重新核实办理。',
  '答复未说明是否已与来电人联系，请补充。',
];
const FALLBACK_REPLY: Array<[ReplyResult, string]> = [['explained', '已按规定办理并告知来电人。']];
const UNSATISFIED_REASONS = ['问题仍未解决', '承办单位未到现场核实', '处理结果与实际不符', '答复内容敷衍'];

/**
 * Tickets in creation order, numbered per Shanghai day from 1 (the intake
 * path continues after the highest number of the day).
 */
export function buildDemoTickets(
  units: readonly SeedUnit[],
  categories: readonly SeedCategory[],
  users: readonly SeedUser[],
  now: Date,
  options: DemoTicketOptions = {},
): TicketRecord[] {
  const ctx = new World(units, categories, users, now, options.seed ?? 12345);
  const count = options.count ?? 340;
  const days = options.days ?? 28;

  const times = ctx.creationTimes(count, days);
  const plans = times.map((at) => ctx.plan(at));
  // The most recent dispatchable tickets still wait in the dispatchers' queue,
  // and two recent ones have a return waiting for a decision.
  const dispatchable = plans.filter((p) => p.outcome === 'dispatch');
  for (const p of dispatchable.slice(-5)) p.holdManual = true;
  const age = (p: Plan) => now.getTime() - p.at.getTime();
  const returnable = dispatchable.filter((p) => !p.holdManual && age(p) > DAY && age(p) < 4 * DAY && p.template.urgency === undefined);
  for (const p of returnable.slice(-2)) {
    p.misroute = ctx.misrouteOf(ctx.leadOf(p.template, p.street), p.street);
    p.holdReturn = p.misroute !== null;
  }

  const perDay = new Map<string, number>();
  return plans.map((p, i) => {
    const day = shanghaiDay(p.at);
    const seq = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, seq);
    return ctx.build(p, i + 1, formatTicketNumber(day, seq), day);
  });
}

// ---------------------------------------------------------------------------

interface Caller {
  name?: string;
  phone: string;
}

interface Plan {
  at: Date;
  template: TicketTemplate;
  outcome: 'direct' | 'emergency' | 'dispatch';
  channel: Channel;
  street: SeedUnit | null;
  caller: Caller;
  confidential: boolean;
  misroute: string | null;
  holdManual: boolean;
  holdReturn: boolean;
  /** The unit accepts but never replies (an overdue ticket once its limit has passed). */
  stuck: boolean;
  rngSeed: number;
}

function actorOf(u: SeedUser): Actor {
  return { id: u._id.toHexString(), name: u.displayName, role: u.role };
}

/** Same shape as the dispatch service writes: the unit's full name. */
function ref(u: SeedUnit): UnitRef {
  return { unitId: u._id, unitName: u.name };
}

/** Shanghai wall-clock fields of an instant. */
function local(at: Date): { hour: number; month: number; day: number; year: number } {
  const d = new Date(at.getTime() + SHANGHAI_OFFSET);
  return { hour: d.getUTCHours(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), year: d.getUTCFullYear() };
}

function monthDay(at: Date): string {
  const l = local(at);
  return `${l.month}月${l.day}日`;
}

/** Midnight Shanghai of the day of `at`, plus `days`. */
function shanghaiMidnight(at: Date, days = 0): Date {
  const t = at.getTime() + SHANGHAI_OFFSET;
  return new Date(Math.floor(t / DAY) * DAY - SHANGHAI_OFFSET + days * DAY);
}

function later(a: Date, ms: number): Date {
  return new Date(a.getTime() + ms);
}

class World {
  readonly rng: Rng;
  readonly cal = new WorkCalendar();
  readonly unitById: Map<string, SeedUnit>;
  readonly categoryByName = new Map<string, SeedCategory>();
  readonly streets: SeedUnit[];
  readonly districts: SeedUnit[];
  readonly operators: SeedUser[];
  readonly dispatchers: SeedUser[];
  readonly centerManagers: SeedUser[];
  readonly handlers = new Map<string, SeedUser[]>();
  readonly callers: Caller[] = [];
  readonly templatesByType = new Map<RequestType, TicketTemplate[]>();
  readonly emergencies: TicketTemplate[];

  constructor(
    units: readonly SeedUnit[],
    categories: readonly SeedCategory[],
    users: readonly SeedUser[],
    readonly now: Date,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.unitById = new Map(units.map((u) => [u._id, u]));
    for (const c of categories) {
      if (c.level !== 3) continue;
      if (this.categoryByName.has(c.name)) throw new Error(`category name ${c.name} is not unique`);
      this.categoryByName.set(c.name, c);
    }
    this.streets = units.filter((u) => u.kind === 'street');
    this.districts = units.filter((u) => u.kind === 'district');
    const at = (role: SeedUser['role']) => users.filter((u) => u.unitId === CENTER_ID && u.role === role);
    this.operators = at('operator');
    this.dispatchers = at('dispatcher');
    this.centerManagers = at('manager');
    if (!this.operators.length || !this.dispatchers.length || !this.centerManagers.length) {
      throw new Error('the center needs operators, dispatchers and a manager');
    }
    for (const u of users) {
      if (u.role !== 'unit_handler') continue;
      const list = this.handlers.get(u.unitId) ?? [];
      list.push(u);
      this.handlers.set(u.unitId, list);
    }
    for (const t of TEMPLATES) {
      if (t.emergency) continue;
      const list = this.templatesByType.get(t.type) ?? [];
      list.push(t);
      this.templatesByType.set(t.type, list);
    }
    this.emergencies = TEMPLATES.filter((t) => t.emergency);
    this.makeCallers();
  }

  private makeCallers(): void {
    for (let i = 0; i < 260; i++) {
      const p = personName(this.rng);
      const style = this.rng.next();
      const name = style < 0.45 ? p.full : style < 0.93 ? `${p.surname}${p.female ? '女士' : '先生'}` : undefined;
      this.callers.push({ ...(name ? { name } : {}), phone: mobile(this.rng) });
    }
  }

  /** Creation instants, ascending, weighted towards working days and office hours. */
  creationTimes(count: number, days: number): Date[] {
    const start = shanghaiMidnight(this.now, -(days - 1));
    const dayWeights: Array<[number, number]> = [];
    for (let d = 0; d < days; d++) {
      const midnight = later(start, d * DAY);
      dayWeights.push([d, this.cal.isWorkingDay(later(midnight, 12 * HOUR)) ? 1 : 0.55]);
    }
    const hourWeights = HOUR_WEIGHTS.map((w, h) => [h, w] as const);
    const out: Date[] = [];
    while (out.length < count) {
      const d = this.rng.weighted(dayWeights);
      const h = this.rng.weighted(hourWeights);
      const t = later(start, d * DAY + h * HOUR + this.rng.int(0, 3599) * 1000);
      if (t.getTime() < this.now.getTime() - 2 * MINUTE) out.push(t);
    }
    return out.sort((a, b) => a.getTime() - b.getTime());
  }

  pickStreet(area: TicketTemplate['area']): SeedUnit | null {
    if (area === 'none') return null;
    const ok = (s: SeedUnit) => {
      const rural = unitMeta(s._id).rural === true;
      return area === 'rural' ? rural : area === 'urban' ? !rural : true;
    };
    const districts = this.districts
      .map((d) => [d, unitMeta(d._id).weight ?? 1] as const)
      .filter(([d]) => this.streets.some((s) => s.parentId === d._id && ok(s)));
    const district = this.rng.weighted(districts);
    return this.rng.pick(this.streets.filter((s) => s.parentId === district._id && ok(s)));
  }

  pickCaller(): Caller {
    // A few people call often (repeat callers show up in caller history).
    if (this.rng.chance(0.12)) return this.callers[this.rng.int(0, 7)]!;
    return this.rng.pick(this.callers);
  }

  plan(at: Date): Plan {
    const rng = this.rng;
    let template: TicketTemplate;
    if (rng.chance(EMERGENCY_SHARE)) {
      template = rng.weighted(this.emergencies.map((t) => [t, t.weight] as const));
    } else {
      const type = rng.weighted(TYPE_MIX);
      const list = this.templatesByType.get(type) ?? [];
      template = rng.weighted(list.map((t) => [t, t.weight] as const));
    }
    const outcome: Plan['outcome'] = template.emergency
      ? 'emergency'
      : template.answer && rng.chance(template.direct ?? 0.8)
        ? 'direct'
        : 'dispatch';
    const channel: Channel = outcome === 'dispatch' ? rng.weighted(CHANNEL_MIX) : 'phone';
    const street = this.pickStreet(template.area ?? 'urban');
    const caller = this.pickCaller();
    const anonymous = channel !== 'phone' && rng.chance(template.type === 'report' ? 0.4 : 0.1);
    const lead = outcome === 'dispatch' ? this.leadOf(template, street) : null;
    const misroute = lead && template.urgency !== 'critical' && rng.chance(0.06) ? this.misrouteOf(lead, street) : null;
    return {
      at,
      template,
      outcome,
      channel,
      street,
      caller: anonymous ? { phone: caller.phone } : caller,
      confidential: rng.chance(template.confidential ?? 0.03),
      misroute,
      holdManual: false,
      holdReturn: false,
      stuck: rng.chance(0.03),
      rngSeed: rng.int(1, 2 ** 31 - 1),
    };
  }

  unit(id: string): SeedUnit {
    const u = this.unitById.get(id);
    if (!u) throw new Error(`unknown unit ${id}`);
    return u;
  }

  resolveRoute(route: string, street: SeedUnit | null): SeedUnit {
    if (route === 'street') {
      if (!street) throw new Error('a street route needs an address');
      return street;
    }
    if (route === 'district') {
      if (street?.parentId) return this.unit(street.parentId);
      return this.districts[0]!;
    }
    return this.unit(route);
  }

  leadOf(t: TicketTemplate, street: SeedUnit | null): SeedUnit {
    return this.resolveRoute(t.route, street);
  }

  misrouteOf(lead: SeedUnit, street: SeedUnit | null): string | null {
    if (lead.kind === 'street') {
      const neighbours = this.streets.filter((s) => s.parentId === lead.parentId && s._id !== lead._id);
      return neighbours.length ? this.rng.pick(neighbours)._id : null;
    }
    if (lead.kind === 'department' || lead.kind === 'enterprise') {
      return MISROUTE[lead._id] ?? street?._id ?? null;
    }
    return null;
  }

  build(p: Plan, n: number, number: string, day: string): TicketRecord {
    return new TicketWalk(this, p, n, number, day).run();
  }
}

/** One ticket walked along the loop. */
class TicketWalk {
  readonly rng: Rng;
  readonly t: TicketTemplate;
  readonly events: Event[] = [];
  version = 0;
  status: TicketStatus = 'new';
  owner: TicketRecord['owner'];
  lead: SeedUnit | null = null;
  coUnits: SeedUnit[] = [];
  /** As the service stores them (version, policy, timers): the timers of an open demo ticket run like any other's. */
  deadlines: StoredDeadlines | null = null;
  closure: TicketRecord['closure'];
  emergency: TicketRecord['emergency'];
  lastReply = '';
  reminded = false;
  variant = 0;
  rawText = '';
  readonly vars: Record<string, string>;
  readonly operator: SeedUser;
  readonly categoryCode: string;

  constructor(
    readonly w: World,
    readonly p: Plan,
    readonly n: number,
    readonly number: string,
    readonly day: string,
  ) {
    this.rng = new Rng(p.rngSeed);
    this.t = p.template;
    this.operator = this.rng.pick(w.operators);
    this.owner = p.channel === 'phone' ? { kind: 'user', id: this.operator._id.toHexString(), name: this.operator.displayName } : { ...CENTER_OWNER };
    const category = w.categoryByName.get(this.t.category);
    if (!category) throw new Error(`template ${this.t.key}: unknown category ${this.t.category}`);
    this.categoryCode = category._id;
    this.vars = this.makeVars();
  }

  get urgency(): Urgency {
    return this.t.urgency ?? 'normal';
  }

  get now(): Date {
    return this.w.now;
  }

  get last(): Date {
    return this.events.at(-1)?.at ?? this.p.at;
  }

  private makeVars(): Record<string, string> {
    const rng = this.rng;
    const street = this.p.street;
    const meta = street ? unitMeta(street._id) : null;
    const district = street?.parentId ? this.w.unit(street.parentId) : rng.pick(this.w.districts);
    const streetName = street ? street.shortName.slice(district.shortName.length) : '';
    const core = streetName.replace(/(街道|镇|乡)$/, '');
    const roads = meta?.roads ?? ['人民路', '解放路', '建设路'];
    const road = rng.pick(roads);
    const road2 = roads.length > 1 ? rng.pick(roads.filter((r) => r !== road)) : '人民路';
    const place = meta?.places ? rng.pick(meta.places) : rng.pick(['锦绣花园', '阳光小区', '幸福里']);
    const created = local(this.p.at);
    const h = created.hour;
    const times = ['昨天晚上8点多', '昨天下午', '前天晚上', '昨天上午10点左右', '前天下午3点多'];
    if (h >= 11) times.push('今天上午', '今天早上7点多');
    if (h >= 16) times.push('今天下午2点左右');
    const recent = h >= 9 ? ['今天早上6点多', '今天早上', '两个多小时前', '今天凌晨'] : ['昨天半夜', '今天凌晨', '两个多小时前', '昨天晚上11点左右'];
    const month = Math.max(1, created.month - rng.int(2, 6));
    const vars: Record<string, string> = {
      district: district.shortName,
      street: streetName,
      core,
      place,
      road,
      road2,
      addr: `${district.shortName}${streetName}${place}`,
      b: `${rng.int(1, 18)}栋`,
      u: `${rng.int(1, 4)}单元`,
      room: `${rng.int(2, 18)}0${rng.int(1, 4)}室`,
      time: rng.pick(times),
      recent: rng.pick(recent),
      days: String(rng.int(3, 10)),
      month: String(month),
      months: rng.pick(['两', '三', '四']),
      year: String(created.year - rng.int(3, 5)),
      amount: rng.pick(['2800', '3600', '4500', '6000']),
      bus: rng.pick(BUS_LINES),
      plate: `${rng.pick(['T', 'D', 'B', 'A'])}${rng.digits(4)}`,
      shop: rng.pick(SHOPS),
      restaurant: rng.pick(RESTAURANTS),
      gym: rng.pick(GYMS),
      company: rng.pick(COMPANIES),
      school: core ? `${district.shortName}${core}小学` : '江州市实验小学',
      hospital: rng.pick(HOSPITALS),
    };
    for (const [k, values] of Object.entries(this.t.vars ?? {})) vars[k] = rng.pick(values);
    return vars;
  }

  /** The entry that goes with the chosen text when the lists line up, else any. */
  aligned<T>(list: readonly T[]): T {
    const n = this.t.texts.length;
    return n > 1 && list.length === n ? list[this.variant]! : this.rng.pick(list);
  }

  fill(text: string, extra: Record<string, string> = {}): string {
    // Only a caller is a 来电人: a unit's reply to a web message speaks of the 市民.
    let who = this.p.channel === 'phone' ? text : text.replaceAll('来电人', '市民');
    // A town answers as 我镇 / 我乡, a county as 我县.
    const street = this.vars.street ?? '';
    const self = street.endsWith('镇') ? '我镇' : street.endsWith('乡') ? '我乡' : street ? '我街道' : null;
    if (self) who = who.replaceAll('我街道', self).replaceAll('我镇', self);
    if (this.vars.district?.endsWith('县')) who = who.replaceAll('我区', '我县');
    return who.replace(/\{(\w+)\}/g, (_, key: string) => {
      const v = extra[key] ?? this.vars[key];
      if (v === undefined) throw new Error(`template ${this.t.key}: no value for {${key}}`);
      return v;
    });
  }

  /** One change (one version) made of one or more events. */
  change(events: Array<Omit<Event, 'seq'>>, set: { status?: TicketStatus; owner?: TicketRecord['owner'] } = {}): void {
    for (const e of events) {
      if (e.at.getTime() < this.last.getTime()) throw new Error(`ticket ${this.number}: events out of order`);
      const note = e.note && this.p.channel !== 'phone' ? e.note.replaceAll('来电人', '市民') : e.note;
      this.events.push({ ...e, ...(note ? { note } : {}), seq: this.events.length + 1 });
    }
    this.version++;
    if (set.status) this.status = set.status;
    if (set.owner) this.owner = set.owner;
  }

  /** Next instant, never before the last event. */
  after(at: Date): Date {
    return at.getTime() > this.last.getTime() ? at : later(this.last, MINUTE);
  }

  isPast(at: Date): boolean {
    return at.getTime() <= this.now.getTime();
  }

  handler(unit: SeedUnit): Actor {
    const list = this.w.handlers.get(unit._id);
    if (!list?.length) return { id: null, name: unit.chief.name, role: 'unit_handler' };
    return actorOf(this.rng.chance(0.8) ? list[0]! : this.rng.pick(list));
  }

  unitData(unit: SeedUnit): Record<string, unknown> {
    return { unitId: unit._id, unitName: unit.name };
  }

  reviewer(): Actor {
    return actorOf(this.rng.chance(0.7) ? this.rng.pick(this.w.dispatchers) : this.rng.pick(this.w.centerManagers));
  }

  // -------------------------------------------------------------------------

  run(): TicketRecord {
    const p = this.p;
    const t = this.t;
    const phone = p.channel === 'phone';
    const creator: Actor = phone ? actorOf(this.operator) : { id: null, name: p.caller.name ?? '市民', role: 'citizen' };
    const web = !phone && t.web ? t.web : null;
    this.variant = web ? 0 : this.rng.int(0, t.texts.length - 1);
    this.rawText = web ? this.rng.pick(web) : t.texts[this.variant]!;
    // Messages not written by the citizen are summarised the way web tickets are: 网民反映 / 市民反映.
    const text = this.fill(web || phone ? this.rawText : this.rawText.replaceAll('市民来电', '市民').replaceAll('来电人', p.channel === 'wechat' ? '市民' : '网民'));
    const title = this.fill(this.aligned(t.titles));
    const created: Omit<Event, 'seq'> = {
      at: p.at,
      type: 'created',
      actor: creator,
      data: { channel: p.channel, type: t.type, urgency: this.urgency },
    };

    if (p.outcome === 'direct') {
      const answer = this.fill(this.aligned(t.answer ?? []));
      this.change([created, { at: p.at, type: 'direct_answered', actor: creator, note: answer }], { status: 'closed' });
      this.closure = { reason: 'direct_answer', at: p.at, answer };
    } else if (p.outcome === 'emergency' && t.emergency) {
      const { line, note } = t.emergency;
      this.change([created, { at: p.at, type: 'emergency_transferred', actor: creator, note, data: { line } }], { status: 'closed' });
      this.emergency = { line, at: p.at, note };
      this.closure = { reason: 'emergency_transfer', at: p.at, line };
    } else {
      this.change([created]);
      this.walk();
    }
    return this.record(title, text);
  }

  private walk(): void {
    const p = this.p;
    const w = this.w;
    const rng = this.rng;
    const correct = w.leadOf(this.t, p.street);
    const co = (this.t.co ?? []).map((id) => w.resolveRoute(id, p.street)).filter((u) => u._id !== correct._id);
    const urgent = this.urgency !== 'normal';

    // Routing: the catalogue dispatches at once, or parks the ticket for a dispatcher.
    const routedAt = later(p.at, rng.int(2, 20) * 1000);
    const auto = !p.holdManual && !p.misroute && rng.chance(0.55);
    let dispatchAt = routedAt;
    if (!auto) {
      this.change(
        [{ at: routedAt, type: 'routing_parked', actor: ROUTING_ACTOR, note: '未匹配到唯一承办单位，转人工派单', data: { reason: 'no_unique_rule' } }],
        { status: 'manual' },
      );
      if (p.holdManual) return;
      dispatchAt = this.dispatcherTime(routedAt, urgent);
    }
    if (!this.isPast(dispatchAt)) return;

    let lead = correct;
    if (p.misroute) {
      const wrong = w.unit(p.misroute);
      this.dispatch(dispatchAt, wrong, [], auto);
      let returnAt = this.cal().addWorkingHours(dispatchAt, rng.real(0.2, 6));
      if (!this.isPast(returnAt)) {
        if (!p.holdReturn) return;
        returnAt = new Date((dispatchAt.getTime() + this.now.getTime()) / 2);
      }
      const reason =
        wrong.kind === 'street' && correct.kind === 'street'
          ? `经核实，诉求地址属于${correct.shortName}辖区，不在我单位管辖范围，申请退回改派。`
          : wrong.kind === 'street'
            ? `该事项属于${correct.shortName}行业监管职责，我单位无相应执法权限，申请退回改派。`
            : `该事项不属于我单位职责范围，建议改派${correct.shortName}办理。`;
      this.change(
        [{ at: returnAt, type: 'return_requested', actor: this.handler(wrong), note: reason, data: { ...this.unitData(wrong), suggest: correct._id } }],
        { status: 'return_requested' },
      );
      if (p.holdReturn) return;
      const approvedAt = this.after(this.cal().addWorkingHours(returnAt, rng.real(0.2, 3)));
      if (!this.isPast(approvedAt)) return;
      const dispatcher = actorOf(rng.pick(w.dispatchers));
      this.change([{ at: approvedAt, type: 'return_approved', actor: dispatcher, note: '退单理由成立，同意退回。' }], {
        status: 'manual',
        owner: { ...CENTER_OWNER },
      });
      this.lead = null;
      this.coUnits = [];
      const redispatchAt = later(approvedAt, rng.int(2, 25) * MINUTE);
      if (!this.isPast(redispatchAt)) return;
      this.dispatch(redispatchAt, correct, co, false, dispatcher);
      dispatchAt = redispatchAt;
    } else {
      this.dispatch(dispatchAt, lead, co, auto);
    }
    lead = correct;
    this.handle(lead, dispatchAt, false);
  }

  cal(): WorkCalendar {
    return this.w.cal;
  }

  private dispatcherTime(from: Date, urgent: boolean): Date {
    const rng = this.rng;
    if (urgent) return later(from, rng.int(2, 12) * MINUTE);
    const h = local(from).hour;
    if (h >= 8 && h < 21) return later(from, rng.int(4, 45) * MINUTE);
    const morning = h >= 21 ? shanghaiMidnight(from, 1) : shanghaiMidnight(from);
    return later(morning, 8 * HOUR + rng.int(5, 60) * MINUTE);
  }

  private dispatch(at: Date, lead: SeedUnit, co: SeedUnit[], auto: boolean, by?: Actor): void {
    const actor = auto ? ROUTING_ACTOR : (by ?? actorOf(this.rng.pick(this.w.dispatchers)));
    const coText = co.length ? `，${co.map((u) => u.shortName).join('、')}协办` : '';
    const note = auto
      ? `按派单目录自动派单：${this.t.category} → ${lead.shortName}${coText}`
      : lead.kind === 'street'
        ? `属地事项，派${lead.shortName}办理${coText}`
        : `派${lead.shortName}办理${coText}`;
    this.lead = lead;
    this.coUnits = co;
    this.deadlines = this.clockFrom(at);
    this.change(
      [
        {
          at,
          type: 'dispatched',
          actor,
          note,
          data: { lead: ref(lead), coUnits: co.map(ref), resolveDueAt: this.deadlines.resolve.dueAt },
        },
      ],
      { status: 'dispatched' },
    );
  }

  /** A new clock for the lead unit from `at` (dispatch, redo): the next deadline version, as the service computes it. */
  private clockFrom(at: Date): StoredDeadlines {
    const t = { type: this.t.type, urgency: this.urgency, category: { code: this.categoryCode }, ...(this.deadlines ? { deadlines: this.deadlines } : {}) };
    return deadlinesForDispatch(t, this.lead!._id, DEFAULT_POLICY_TABLE, at, this.cal());
  }

  /** The levels already reached by now, fired in order as the timers would have (the ticket's final state decides what was met). */
  private firedByNow(d: StoredDeadlines): StoredDeadlines {
    if (!TIMED_STATUSES.includes(this.status)) return d;
    for (const timer of [...d.timers].sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime())) {
      if (timer.fireAt.getTime() > this.now.getTime()) break;
      if (decideTimer({ status: this.status, deadlines: d, history: this.events }, d.version, timer.milestone, timer.level).kind === 'fire') {
        d = timerFiredChange(d, timer, timer.fireAt).set.deadlines;
      }
    }
    return d;
  }

  /** Accept, contact, handle, reply, review, call back, close: as far as `now` allows. */
  private handle(lead: SeedUnit, dispatchAt: Date, redo: boolean): void {
    const rng = this.rng;
    const cal = this.cal();
    const urgency = this.urgency;
    const clock = urgency !== 'normal';
    const hidden = this.p.confidential || this.t.type === 'report';
    const unitOwner = { kind: 'unit' as const, id: lead._id, name: lead.name };

    let at: Date;
    if (!redo) {
      const stalled = rng.chance(0.04);
      at =
        urgency === 'critical'
          ? later(dispatchAt, rng.int(4, 20) * MINUTE)
          : urgency === 'urgent'
            ? later(dispatchAt, rng.int(8, 50) * MINUTE)
            : cal.addWorkingHours(dispatchAt, stalled ? rng.real(3, 14) : rng.real(0.05, 1.6));
      at = this.after(at);
      if (!this.isPast(at)) return this.remindIfOverdue();
      this.change([{ at, type: 'accepted', actor: this.handler(lead), data: this.unitData(lead) }], { status: 'accepted', owner: unitOwner });

      // 先行联系: never for protected identities (the unit does not see the caller).
      if (!hidden) {
        at = this.after(clock ? later(at, rng.int(10, 60) * MINUTE) : cal.addWorkingHours(at, rng.real(0.2, 4)));
        if (!this.isPast(at)) return this.remindIfOverdue();
        this.change([{ at, type: 'contacted', actor: this.handler(lead), note: rng.pick(CONTACT_NOTES), data: this.unitData(lead) }]);
      }
    }

    const deadlines = this.deadlines;
    if (!deadlines) throw new Error('handled without deadlines');
    const due = deadlines.resolve.dueAt;

    // Co-handling units report to the lead.
    for (const u of redo ? [] : this.coUnits) {
      const reportAt = this.after(clock ? later(this.last, rng.int(15, 90) * MINUTE) : cal.addWorkingHours(this.last, rng.real(1, 8)));
      if (!this.isPast(reportAt)) return this.remindIfOverdue();
      this.change([
        { at: reportAt, type: 'co_reported', actor: this.handler(u), note: '已配合主办单位开展现场核查，协办意见已反馈主办单位。', data: this.unitData(u) },
      ]);
    }

    // Extension (延期) on complex matters.
    if (!redo && this.t.complex && rng.chance(0.4)) {
      const askAt = this.after(cal.addWorkingHours(this.last, rng.real(2, 10)));
      if (!this.isPast(askAt)) return this.remindIfOverdue();
      this.change([
        {
          at: askAt,
          type: 'extension_requested',
          actor: this.handler(lead),
          note: '该事项涉及多个部门和历史遗留问题，需进一步协调核实，申请延期5个工作日。',
          data: { ...this.unitData(lead), workingDays: 5 },
        },
      ]);
      const okAt = this.after(cal.addWorkingHours(askAt, rng.real(0.5, 4)));
      if (!this.isPast(okAt)) return this.remindIfOverdue();
      this.deadlines = deadlinesAfterExtension(deadlines, 5, cal);
      this.change([
        {
          at: okAt,
          type: 'extension_approved',
          actor: actorOf(rng.pick(this.w.centerManagers)),
          note: '同意延期5个工作日，请按新时限办结。',
          data: { workingDays: 5, resolveDueAt: this.deadlines.resolve.dueAt },
        },
      ]);
    }

    if (!redo && rng.chance(0.35)) {
      const noteAt = this.after(clock ? later(this.last, rng.int(10, 40) * MINUTE) : cal.addWorkingHours(this.last, rng.real(0.5, 6)));
      if (!this.isPast(noteAt)) return this.remindIfOverdue();
      this.change([{ at: noteAt, type: 'progress', actor: this.handler(lead), note: rng.pick(PROGRESS_NOTES), data: this.unitData(lead) }]);
    }
    if (this.p.stuck && !redo) return this.remindIfOverdue();

    // Reply: mostly inside the limit, some late.
    const currentDue = this.deadlines?.resolve.dueAt ?? due;
    const onTime = rng.chance(redo ? 0.95 : 0.88);
    const frac = onTime ? rng.real(0.15, 0.95) : rng.real(1.05, 1.8);
    let replyAt: Date;
    if (redo) {
      replyAt = cal.addWorkingHours(this.last, rng.real(4, 20));
    } else if (clock) {
      replyAt = later(dispatchAt, frac * (currentDue.getTime() - dispatchAt.getTime()));
    } else {
      replyAt = cal.addWorkingTime(dispatchAt, Math.max(0, frac * cal.workingTimeBetween(dispatchAt, currentDue)));
    }
    replyAt = this.after(replyAt);
    if (!this.isPast(replyAt)) return this.remindIfOverdue();
    this.remindIfOverdue(replyAt);
    const [result] = this.reply(lead, replyAt, redo);

    // Review at the center; one in ten goes back to the unit.
    let reviewAt = this.after(cal.addWorkingHours(replyAt, rng.real(0.1, 2.5)));
    if (!this.isPast(reviewAt)) return;
    if (!redo && rng.chance(0.1)) {
      this.change([{ at: reviewAt, type: 'review_rejected', actor: this.reviewer(), note: rng.pick(REVIEW_BACK) }], {
        status: 'accepted',
      });
      const againAt = this.after(cal.addWorkingHours(reviewAt, rng.real(2, 12)));
      if (!this.isPast(againAt)) return;
      this.reply(lead, againAt, false, true);
      reviewAt = this.after(cal.addWorkingHours(againAt, rng.real(0.1, 2.5)));
      if (!this.isPast(reviewAt)) return;
    }
    this.change([{ at: reviewAt, type: 'reviewed', actor: this.reviewer(), note: rng.pick(REVIEW_OK) }], { status: 'callback' });

    // Callback on the next working day.
    const callbackAt = this.after(cal.addWorkingHours(cal.nextWorkingDay(reviewAt), rng.real(0.1, 6.5)));
    if (!this.isPast(callbackAt)) return;
    const caller = actorOf(rng.pick(this.w.operators));
    const sat = this.satisfaction(result);
    const praise = this.t.type === 'praise';
    const note =
      sat === 'unreachable'
        ? '回访电话两次未接通，已发送短信告知办理结果。'
        : praise
          ? '已回访来电人，告知表扬意见已转达相关单位，来电人表示满意。'
          : sat === 'satisfied'
            ? '回访来电人，来电人表示问题已处理，对办理结果满意。'
            : sat === 'basic'
              ? '回访来电人，来电人表示问题基本解决，对办理结果基本满意。'
              : `回访来电人，来电人对办理结果不满意：${rng.pick(UNSATISFIED_REASONS)}。`;
    const satisfaction = praise && sat !== 'unreachable' ? 'satisfied' : sat;
    this.change([
      {
        at: callbackAt,
        type: 'callback',
        actor: caller,
        note,
        data: {
          method: satisfaction === 'unreachable' ? 'sms' : 'phone',
          reached: satisfaction !== 'unreachable',
          satisfaction: satisfaction === 'unreachable' ? null : satisfaction,
          resolved: satisfaction === 'satisfied' || (satisfaction === 'basic' && result !== 'unresolved'),
        },
      },
    ]);

    if (satisfaction === 'unsatisfied' && !redo && rng.chance(0.6)) {
      const redoAt = this.after(cal.addWorkingHours(callbackAt, rng.real(0.5, 3)));
      if (!this.isPast(redoAt)) return;
      this.deadlines = this.clockFrom(redoAt);
      this.change(
        [
          {
            at: redoAt,
            type: 'redo',
            actor: actorOf(rng.pick(this.w.centerManagers)),
            note: '回访不满意，经审核属承办单位办理不到位，退回重办，请重新核实处理。',
            data: { ...this.unitData(lead), resolveDueAt: this.deadlines.resolve.dueAt },
          },
        ],
        { status: 'accepted', owner: unitOwner },
      );
      return this.handle(lead, redoAt, true);
    }

    const closeAt = later(callbackAt, rng.int(1, 15) * MINUTE);
    if (!this.isPast(closeAt)) return;
    this.change([{ at: closeAt, type: 'closed', actor: caller, note: '回访完成，工单办结。' }], { status: 'closed' });
    this.closure = { reason: 'resolved', at: closeAt, answer: this.lastReply };
  }

  private reply(lead: SeedUnit, at: Date, redo: boolean, supplement = false): [ReplyResult, string] {
    const rng = this.rng;
    const [result, raw] = this.aligned(this.t.replies ?? FALLBACK_REPLY);
    const actionAt = new Date(Math.max(this.p.at.getTime(), at.getTime() - rng.int(0, 2) * DAY));
    let text = this.fill(raw, { md: monthDay(actionAt) });
    if (supplement) text = `补充答复：${text}`;
    if (redo) text = `重办答复：经重新核实，${text}`;
    this.lastReply = text;
    this.change(
      [{ at, type: 'replied', actor: this.handler(lead), note: text, data: { ...this.unitData(lead), result }, public: true }],
      { status: 'replied' },
    );
    return [result, text];
  }

  private satisfaction(result: ReplyResult): 'satisfied' | 'basic' | 'unsatisfied' | 'unreachable' {
    const bad = result === 'unresolved' ? 0.35 : result === 'partly' ? 0.15 : 0.05;
    return this.rng.weighted([
      ['satisfied', 0.76 - bad],
      ['basic', 0.16],
      ['unsatisfied', bad],
      ['unreachable', 0.04],
    ]);
  }

  /** The time-limit monitor's reminder once the resolve deadline has passed without a reply. */
  private remindIfOverdue(before: Date = this.now): void {
    if (this.reminded || !this.deadlines) return;
    const due = this.deadlines.resolve.dueAt;
    if (due.getTime() >= before.getTime() || due.getTime() <= this.last.getTime()) return;
    const at = later(due, MINUTE);
    if (!this.isPast(at) || at.getTime() >= before.getTime()) return;
    this.reminded = true;
    this.change([
      {
        at,
        type: 'overdue_reminded',
        actor: MONITOR_ACTOR,
        note: `工单已超过办结时限，请${this.lead?.shortName ?? '承办单位'}尽快办理并答复。`,
        data: { milestone: 'resolve', dueAt: due },
      },
    ]);
  }

  private record(title: string, content: string): TicketRecord {
    const p = this.p;
    const w = this.w;
    const street = p.street;
    const usesAddress = /\{(addr|place|b)\}/.test(this.rawText);
    let location: TicketRecord['location'] = {};
    if (street) {
      const meta = unitMeta(street._id);
      const base = `${this.vars.district}${this.vars.street}`;
      const address = usesAddress ? `${base}${this.vars.place}${this.rawText.includes('{b}') ? this.vars.b : ''}` : `${base}${this.vars.road}`;
      location = {
        address,
        ...(street.areaCode ? { areaCode: street.areaCode } : {}),
        ...(meta.point
          ? { point: { lng: round6(meta.point.lng + this.rng.real(-0.006, 0.006)), lat: round6(meta.point.lat + this.rng.real(-0.005, 0.005)) } }
          : {}),
      };
    }
    const parentOf = (id: string) => w.unitById.get(id)?.parentId;
    const units = this.lead ? [this.lead, ...this.coUnits] : [];
    const scope = [...new Set(units.flatMap((u) => unitWithAncestors(u._id, parentOf)))];
    const category = w.categoryByName.get(this.t.category)!;
    const deadlines = this.deadlines && this.lead ? this.firedByNow(this.deadlines) : null;
    const overdue = !!deadlines && TIMED_STATUSES.includes(this.status) && deadlines.overdueMilestones.length > 0;
    const createdAt = p.at;
    const updatedAt = this.last;
    const phone = p.channel === 'phone';
    return {
      _id: seedObjectId(createdAt, this.n, 2),
      number: this.number,
      day: this.day,
      channel: p.channel,
      caller: { ...(p.caller.name ? { name: p.caller.name } : {}), phone: p.caller.phone, phoneLast4: phoneLast4(p.caller.phone) },
      type: this.t.type,
      category: { code: category._id, path: category.path },
      urgency: this.urgency,
      title,
      content,
      location,
      confidential: p.confidential,
      status: this.status,
      owner: this.owner,
      ...(this.lead ? { lead: ref(this.lead) } : {}),
      coUnits: this.lead ? this.coUnits.map(ref) : [],
      scopeUnitIds: scope,
      ...(deadlines ? { deadlines: deadlinesRecord(deadlines) as unknown as Record<string, unknown> } : {}),
      overdue,
      ...(this.emergency ? { emergency: this.emergency } : {}),
      ...(this.closure ? { closure: this.closure } : {}),
      intakeKey: `seed:${this.n}`,
      intakeFingerprint: 'seed',
      ...(phone ? { createdBy: { id: this.operator._id.toHexString(), name: this.operator.displayName, role: 'operator' as const } } : {}),
      searchTokens: searchTokens([title, content, location.address].filter(Boolean).join(' ')),
      version: this.version,
      history: this.events,
      createdAt,
      updatedAt,
    };
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
