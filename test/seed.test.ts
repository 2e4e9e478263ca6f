/**
 * The demo data as plain data (no database): unit tree, subject dictionary,
 * users and tickets must be consistent with each other and with the models.
 */
import test from 'ava';
import { Category, Ticket, Unit, User } from '../server/data/models/index.ts';
import { unitWithAncestors } from '../server/domain/access.ts';
import { phoneLast4 } from '../server/domain/privacy.ts';
import { ROLES, ROLE_KEYS, STATUS_KEYS, type TicketRecord, type TicketStatus } from '../server/domain/ticket.ts';
import { TICKET_NUMBER_PATTERN, shanghaiDay } from '../server/domain/ticket-number.ts';
import { storedDeadlines, TIMED_STATUSES } from '../server/domain/deadlines.ts';
import { buildDemoData, DEMO_LOGINS, DEMO_PASSWORD, type DemoData } from '../scripts/seed/index.ts';
import { initials, missingInitials } from '../scripts/seed/pinyin.ts';
import { PLACEHOLDERS, TEMPLATES } from '../scripts/seed/ticket-templates.ts';

/** Sunday 10:00, Monday 09:15, a national-day holiday evening (Shanghai time). */
const NOWS = [new Date('2026-11-22T02:00:00Z'), new Date('2026-11-23T01:15:00Z'), new Date('2026-10-03T12:30:00Z')];
const NOW = NOWS[0]!;
const data: DemoData = buildDemoData(NOW);

/** What each history event does to the status; events not listed leave it as it was. */
const STATUS_AFTER: Record<string, TicketStatus> = {
  created: 'new',
  direct_answered: 'closed',
  emergency_transferred: 'closed',
  routing_parked: 'manual',
  dispatched: 'dispatched',
  accepted: 'accepted',
  return_requested: 'return_requested',
  return_approved: 'manual',
  replied: 'replied',
  review_rejected: 'accepted',
  reviewed: 'callback',
  redo: 'accepted',
  closed: 'closed',
};
const NEUTRAL = new Set(['contacted', 'co_reported', 'progress', 'extension_requested', 'extension_approved', 'overdue_reminded', 'callback']);

// ---------------------------------------------------------------------------
// Units

test('every unit has a unique id, an existing parent and the right ancestors', (t) => {
  const byId = new Map(data.units.map((u) => [u._id, u]));
  t.is(byId.size, data.units.length, 'unit ids are unique');
  for (const u of data.units) {
    if (u.parentId === null) {
      t.deepEqual(u.ancestors, [], `${u._id} is a root`);
      continue;
    }
    const parent = byId.get(u.parentId);
    t.truthy(parent, `${u._id}: parent ${u.parentId} exists`);
    t.deepEqual(u.ancestors, [...parent!.ancestors, parent!._id], `${u._id}: ancestors root first`);
    t.deepEqual(unitWithAncestors(u._id, (id) => byId.get(id)?.parentId).slice(1).reverse(), u.ancestors);
  }
});

test('the unit tree has the center, supervision, 20+ departments, enterprises, districts with streets', (t) => {
  const kinds = (k: string) => data.units.filter((u) => u.kind === k);
  const center = data.units.find((u) => u._id === 'center');
  t.is(center?.kind, 'center');
  t.is(center?.name, '江州市12345政务服务便民热线中心');
  t.is(kinds('supervision').length, 1);
  t.true(kinds('department').length >= 20);
  t.true(kinds('enterprise').length >= 4);
  const districts = kinds('district');
  t.true(districts.length >= 5 && districts.length <= 6);
  for (const d of districts) {
    const streets = data.units.filter((u) => u.parentId === d._id);
    t.true(streets.length >= 3 && streets.length <= 5, `${d._id} has 3-5 streets`);
    t.regex(d.areaCode ?? '', /^\d{6}$/);
    for (const s of streets) {
      t.is(s.kind, 'street');
      t.regex(s.areaCode ?? '', /^\d{9}$/);
      t.true(s.areaCode!.startsWith(d.areaCode!), `${s._id} area code under its district`);
    }
  }
  const codes = data.units.flatMap((u) => (u.areaCode ? [u.areaCode] : []));
  t.is(new Set(codes).size, codes.length, 'area codes are unique');
  for (const u of data.units) {
    t.truthy(u.chief.name, `${u._id} has a chief representative`);
    t.regex(u.chief.phone, /^1\d{10}$/);
  }
});

test("every unit's A/B posts point at handlers of that unit", (t) => {
  const users = new Map(data.users.map((u) => [u._id.toHexString(), u]));
  for (const u of data.units) {
    if (u.kind === 'center') continue;
    for (const post of [u.handlerA, u.handlerB]) {
      t.truthy(post, `${u._id} has both posts`);
      const user = users.get(post!.toHexString());
      t.is(user?.unitId, u._id);
      t.is(user?.role, 'unit_handler');
    }
  }
});

// ---------------------------------------------------------------------------
// Categories

test('category codes are unique, positional and their parents exist', (t) => {
  const byId = new Map(data.categories.map((c) => [c._id, c]));
  t.is(byId.size, data.categories.length);
  t.true(data.categories.filter((c) => c.level === 1).length >= 12);
  t.true(data.categories.length >= 120);
  for (const c of data.categories) {
    t.regex(c._id, /^(\d{2}){1,3}$/);
    t.is(c.level, c._id.length / 2);
    if (c.level === 1) {
      t.is(c.parentId, null);
      t.deepEqual(c.path, [c.name]);
      continue;
    }
    const parent = byId.get(c.parentId ?? '');
    t.truthy(parent, `${c._id}: parent exists`);
    t.is(c._id.slice(0, -2), parent!._id);
    t.is(c.level, parent!.level + 1);
    t.deepEqual(c.path, [...parent!.path, c.name]);
  }
  // Names are unique among siblings and level-3 names are unique overall (templates refer to them).
  const leaves = data.categories.filter((c) => c.level === 3).map((c) => c.name);
  t.is(new Set(leaves).size, leaves.length);
});

test('category keywords start with the pinyin initials of the name', (t) => {
  for (const c of data.categories) {
    t.deepEqual(missingInitials(c.name), [], `${c.name}: every character has an initial`);
    t.is(c.keywords[0], initials(c.name));
    t.is(initials(c.name).length, Array.from(c.name).length);
  }
  t.is(initials('电梯故障'), 'dtgz');
  t.is(initials('银行服务'), 'yhfw');
});

// ---------------------------------------------------------------------------
// Users

test('every role has a user, usernames are unique and units exist', (t) => {
  const units = new Set(data.units.map((u) => u._id));
  const names = data.users.map((u) => u.username);
  t.is(new Set(names).size, names.length);
  for (const role of ROLE_KEYS) t.true(data.users.some((u) => u.role === role), `a ${role} exists`);
  for (const u of data.users) t.true(units.has(u.unitId), `${u.username}: unit ${u.unitId} exists`);
  const at = (role: string, unitKind: string) =>
    data.users.some((u) => u.role === role && data.units.find((x) => x._id === u.unitId)?.kind === unitKind);
  t.true(at('operator', 'center'));
  t.true(at('dispatcher', 'center'));
  t.true(at('manager', 'center'));
  t.true(at('manager', 'district'));
  t.true(at('unit_handler', 'street'));
  t.true(at('unit_handler', 'department'));
});

test('the demo logins exist with the role and unit they are listed with', (t) => {
  t.is(DEMO_PASSWORD, 'Demo@12345');
  t.true(DEMO_LOGINS.length >= 10);
  for (const login of DEMO_LOGINS) {
    const u = data.users.find((x) => x.username === login.username);
    t.truthy(u, login.username);
    t.is(login.role, ROLES[u!.role]);
    t.is<string | undefined, string | undefined>(login.unit, data.units.find((x) => x._id === u!.unitId)?.shortName);
  }
  for (const name of ['operator1', 'dispatcher1', 'manager', 'admin', 'zjj_a', 'zjj_b', 'dh_a', 'dhhb_a']) {
    t.true(DEMO_LOGINS.some((l) => l.username === name), `${name} is listed`);
  }
});

// ---------------------------------------------------------------------------
// Templates

test('templates refer to level-3 categories, known units and placeholders', (t) => {
  const leaves = new Set(data.categories.filter((c) => c.level === 3).map((c) => c.name));
  const units = new Set(data.units.map((u) => u._id));
  const keys = TEMPLATES.map((x) => x.key);
  t.is(new Set(keys).size, keys.length);
  for (const tpl of TEMPLATES) {
    t.true(leaves.has(tpl.category), `${tpl.key}: category ${tpl.category}`);
    for (const r of [tpl.route, ...(tpl.co ?? [])]) {
      t.true(r === 'street' || r === 'district' || units.has(r), `${tpl.key}: unit ${r}`);
    }
    if (tpl.route === 'street' || (tpl.co ?? []).includes('street')) t.not(tpl.area, 'none', `${tpl.key}: a street needs an address`);
    if (!tpl.emergency && !(tpl.answer && tpl.direct === 1)) t.true((tpl.replies ?? []).length > 0, `${tpl.key}: has replies`);
    if (tpl.answer) t.not(tpl.urgency, 'critical', `${tpl.key}: danger is never answered directly`);
    const strings = [...tpl.titles, ...tpl.texts, ...(tpl.web ?? []), ...(tpl.answer ?? []), ...(tpl.replies ?? []).map((r) => r[1])];
    const known = new Set([...PLACEHOLDERS, ...Object.keys(tpl.vars ?? {})]);
    for (const s of strings) {
      for (const m of s.matchAll(/\{(\w+)\}/g)) t.true(known.has(m[1] ?? ''), `${tpl.key}: {${m[1]}} is filled`);
    }
  }
});

// ---------------------------------------------------------------------------
// Tickets

function checkTickets(t: import('ava').ExecutionContext, d: DemoData, now: Date): void {
  const units = new Map(d.units.map((u) => [u._id, u]));
  const users = new Map(d.users.map((u) => [u._id.toHexString(), u]));
  const categories = new Map(d.categories.map((c) => [c._id, c]));
  const tickets = d.tickets;
  t.true(tickets.length >= 300 && tickets.length <= 400, `${tickets.length} tickets`);
  t.is(new Set(tickets.map((x) => x.number)).size, tickets.length, 'numbers are unique');
  t.is(new Set(tickets.map((x) => x.intakeKey)).size, tickets.length, 'intake keys are unique');
  t.is(new Set(tickets.map((x) => x._id.toHexString())).size, tickets.length, 'ids are unique');

  // Per-day numbering from 1 in creation order.
  const seqByDay = new Map<string, number>();
  for (const x of [...tickets].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const seq = (seqByDay.get(x.day) ?? 0) + 1;
    seqByDay.set(x.day, seq);
    t.is(Number(x.number.split('-')[1]), seq, `${x.number}: sequence of its day`);
  }

  for (const x of tickets) {
    const where = `${x.number} (${x.status})`;
    t.regex(x.number, TICKET_NUMBER_PATTERN);
    t.is(x.day, shanghaiDay(x.createdAt));
    t.true(x.number.startsWith(x.day.replaceAll('-', '')));
    t.regex(x.intakeKey, /^seed:\d+$/);
    t.is(x.intakeFingerprint, 'seed');
    t.is(x.caller.phoneLast4, phoneLast4(x.caller.phone));
    t.regex(x.caller.phone, /^1\d{10}$/);
    t.true(x.createdAt.getTime() <= now.getTime());
    const cat = categories.get(x.category!.code);
    t.truthy(cat, `${where}: category exists`);
    t.deepEqual(x.category!.path, cat!.path);
    t.true(x.searchTokens.length > 0);
    if (x.location.areaCode) t.true(d.units.some((u) => u.areaCode === x.location.areaCode), `${where}: area code of a street`);

    // History: seq 1..n, in time order, nothing after now, version = changes.
    const h = x.history;
    t.deepEqual(h.map((e) => e.seq), h.map((_, i) => i + 1), `${where}: seq 1..n`);
    t.is(h[0]?.type, 'created');
    t.is(h[0]?.at.getTime(), x.createdAt.getTime());
    for (let i = 1; i < h.length; i++) t.true(h[i]!.at.getTime() >= h[i - 1]!.at.getTime(), `${where}: events in time order`);
    t.true(h.at(-1)!.at.getTime() <= now.getTime(), `${where}: nothing in the future`);
    t.is(x.updatedAt.getTime(), h.at(-1)!.at.getTime());
    const intakeEvents = h[1] && ['direct_answered', 'emergency_transferred'].includes(h[1].type) ? 2 : 1;
    t.is(x.version, h.length - intakeEvents + 1, `${where}: version counts changes`);

    // Status replayed from the history.
    let status: TicketStatus = 'new';
    for (const e of h) {
      const next = STATUS_AFTER[e.type];
      if (next) status = next;
      else t.true(NEUTRAL.has(e.type), `${where}: known event ${e.type}`);
    }
    t.is(x.status, status, `${where}: status follows the history`);
    t.true(STATUS_KEYS.includes(x.status));
    t.not(x.status, 'new', `${where}: nothing left for the routing worker`);

    // Closure only on closed tickets, matching how they closed.
    if (x.status === 'closed') {
      t.truthy(x.closure, `${where}: closure`);
      t.is(x.closure!.at.getTime(), h.at(-1)!.at.getTime());
      const last = h.at(-1)!.type;
      const reasons: Record<string, string> = { direct_answered: 'direct_answer', emergency_transferred: 'emergency_transfer', closed: 'resolved' };
      const reason = reasons[last];
      t.is<string | undefined, string | undefined>(x.closure!.reason, reason);
      if (reason === 'direct_answer') t.truthy(x.closure!.answer);
      if (reason === 'emergency_transfer') {
        t.is(x.emergency?.line, x.closure!.line);
        t.truthy(x.closure!.line);
      }
      if (reason === 'resolved') {
        const lastReply = h.filter((e) => e.type === 'replied').at(-1);
        t.is(x.closure!.answer, lastReply?.note);
      }
    } else {
      t.is(x.closure, undefined, `${where}: no closure while open`);
    }
    for (const e of h) if (e.type === 'replied') t.true(e.public === true && !!e.note, `${where}: replies are public`);
    if (x.channel !== 'phone') t.is(h[0]!.actor.role, 'citizen');
    else t.is(h[0]!.actor.role, 'operator');

    // Units, scope and owner.
    const dispatchedNow = !['manual', 'closed'].includes(x.status) || h.some((e) => e.type === 'dispatched');
    if (x.lead) {
      const lead = units.get(x.lead.unitId);
      t.truthy(lead, `${where}: lead unit exists`);
      t.is(x.lead.unitName, lead!.name);
      t.true(x.scopeUnitIds.includes(x.lead.unitId), `${where}: scope contains the lead`);
      const expected = new Set(
        [x.lead, ...x.coUnits].flatMap((u) => unitWithAncestors(u.unitId, (id) => units.get(id)?.parentId)),
      );
      t.deepEqual(new Set(x.scopeUnitIds), expected, `${where}: scope = lead, co-units and ancestors`);
      t.false(x.coUnits.some((c) => c.unitId === x.lead!.unitId));
      const dispatched = h.filter((e) => e.type === 'dispatched').at(-1);
      t.deepEqual((dispatched?.data as { lead: unknown }).lead, x.lead);
      t.truthy(x.deadlines, `${where}: dispatched tickets have deadlines`);
      // The timers, extensions and the board work on them as on any dispatched ticket's.
      const d = storedDeadlines(x);
      t.truthy(d, `${where}: deadlines as the service stores them (version, policy, timers)`);
      t.is(d!.unitId, x.lead.unitId, `${where}: the clock runs for the lead`);
      if (TIMED_STATUSES.includes(x.status)) {
        t.is(x.overdue, d!.overdueMilestones.length > 0, `${where}: overdue as the fired levels say`);
        const missedResolve = d!.resolve.dueAt.getTime() <= now.getTime() && !h.some((e) => e.type === 'replied');
        t.is(d!.overdueMilestones.includes('resolve'), missedResolve, `${where}: the resolve deadline fired once it passed unmet`);
      }
    } else {
      t.deepEqual(x.scopeUnitIds, []);
      t.deepEqual(x.coUnits, []);
      t.false(['dispatched', 'accepted', 'replied', 'callback'].includes(x.status), `${where}: open work has a lead`);
      t.true(dispatchedNow || !h.some((e) => e.type === 'dispatched'));
    }
    const accepted = h.some((e) => e.type === 'accepted');
    const returned = h.findLastIndex((e) => e.type === 'return_approved') > h.findLastIndex((e) => e.type === 'accepted');
    if (accepted && !returned) {
      t.is(x.owner.kind, 'unit', `${where}: a unit owns it once accepted`);
      t.is<string | null | undefined, string | null | undefined>(x.owner.id, x.lead?.unitId);
    } else if (x.channel === 'phone' && !returned) {
      t.is(x.owner.kind, 'user');
      t.is(users.get(x.owner.id ?? '')?.role as string | undefined, 'operator');
    } else {
      t.is(x.owner.kind, 'center');
    }

    // Unit events are done by handlers of the unit named in the event.
    for (const e of h) {
      if (e.actor.role !== 'unit_handler') continue;
      const unitId = (e.data as { unitId?: string } | undefined)?.unitId;
      t.truthy(unitId && units.has(unitId), `${where}: ${e.type} names its unit`);
      t.is(users.get(e.actor.id ?? '')?.unitId, unitId, `${where}: ${e.type} by a handler of ${unitId}`);
    }
    // Protected identities: no unit contacts the caller.
    if (x.confidential || x.type === 'report') t.false(h.some((e) => e.type === 'contacted'), `${where}: no contact`);
    if (x.overdue) t.true(['dispatched', 'accepted'].includes(x.status));

  }
}

/** Mongoose validation of plain documents (no database needed). */
async function validates(t: import('ava').ExecutionContext, doc: { validate(): Promise<unknown> }, what: string): Promise<void> {
  try {
    await doc.validate();
    t.pass();
  } catch (err) {
    t.fail(`${what}: ${(err as Error).message}`);
  }
}

test('tickets are consistent: numbering, history, status, closure, scope, owner', (t) => {
  checkTickets(t, data, NOW);
});

test('tickets are consistent for other moments too (Monday morning, a holiday)', (t) => {
  for (const now of NOWS.slice(1)) checkTickets(t, buildDemoData(now), now);
});

test('tickets spread over the loop and the mix of a hotline', (t) => {
  const count = <K extends string>(f: (x: TicketRecord) => K) => {
    const m = new Map<K, number>();
    for (const x of data.tickets) m.set(f(x), (m.get(f(x)) ?? 0) + 1);
    return m;
  };
  const status = count((x) => x.status);
  for (const s of ['manual', 'dispatched', 'accepted', 'return_requested', 'callback', 'closed'] as const) {
    t.true((status.get(s) ?? 0) > 0, `some tickets are ${s}`);
  }
  t.true((status.get('closed') ?? 0) > data.tickets.length / 2, 'most are closed');
  const type = count((x) => x.type);
  const n = data.tickets.length;
  t.true((type.get('consult') ?? 0) / n > 0.3, 'many consultations');
  t.true((type.get('help') ?? 0) / n > 0.2, 'many help requests');
  for (const k of ['complaint', 'report', 'suggestion', 'praise'] as const) t.true((type.get(k) ?? 0) > 0, `some ${k}`);
  const urgency = count((x) => x.urgency);
  t.true((urgency.get('normal') ?? 0) / n > 0.8);
  t.true((urgency.get('urgent') ?? 0) > 0 && (urgency.get('critical') ?? 0) > 0);
  const channel = count((x) => x.channel);
  t.true((channel.get('phone') ?? 0) > (channel.get('web') ?? 0) + (channel.get('wechat') ?? 0));
  t.true((channel.get('web') ?? 0) > 0 && (channel.get('wechat') ?? 0) > 0);
  const closure = count((x) => x.closure?.reason ?? 'open');
  t.true((closure.get('direct_answer') ?? 0) > 0);
  t.true((closure.get('emergency_transfer') ?? 0) > 0);
  t.true(data.tickets.some((x) => x.confidential));
  t.true(data.tickets.some((x) => x.overdue));
  t.true(data.tickets.some((x) => x.coUnits.length > 0));
  const leadKinds = new Set(data.tickets.flatMap((x) => (x.lead ? [data.units.find((u) => u._id === x.lead!.unitId)!.kind] : [])));
  for (const k of ['street', 'department', 'enterprise', 'district']) t.true(leadKinds.has(k as never), `some go to a ${k}`);
  // Spread over four weeks, more on working days and in the daytime.
  t.true(new Set(data.tickets.map((x) => x.day)).size >= 25);
  const daytime = data.tickets.filter((x) => {
    const h = (x.createdAt.getUTCHours() + 8) % 24;
    return h >= 8 && h < 18;
  }).length;
  t.true(daytime / n > 0.6);
});

test('the same moment gives the same data', (t) => {
  const again = buildDemoData(NOW);
  t.is(JSON.stringify(again.tickets), JSON.stringify(data.tickets));
  t.is(JSON.stringify(again.users), JSON.stringify(data.users));
});

test('every document fits its mongoose model', async (t) => {
  for (const u of data.units) await validates(t, new Unit(u), u._id);
  for (const c of data.categories) await validates(t, new Category(c), c._id);
  for (const u of data.users) await validates(t, new User({ ...u, passwordHash: 'x' }), u.username);
  for (const x of data.tickets) await validates(t, new Ticket(x), x.number);
});
