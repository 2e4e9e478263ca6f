import test from 'ava';
import fc from 'fast-check';
import { maskName, maskPhone, callerVisibility, viewCaller, phoneLast4 } from '../../server/domain/privacy.ts';
import { canSeeTicket, seesAllTickets, ticketScopeFilter, unitWithAncestors, type Viewer } from '../../server/domain/access.ts';
import { initialState, type IntakeInput, type Role } from '../../server/domain/ticket.ts';
import { formatTicketNumber, shanghaiDay, TICKET_NUMBER_PATTERN } from '../../server/domain/ticket-number.ts';
import { dispatch } from '../../server/domain/workflow.ts';
import { queryTokens, searchTokens } from '../../server/domain/text.ts';
import { ConflictError } from '../../server/errors.ts';

const viewer = (role: Role, unitId = 'center', atCenter = unitId === 'center'): Viewer => ({ id: 'u1', name: '测试', role, unitId, atCenter });

test('phones are masked as 138****5678; names keep the surname only', (t) => {
  t.is(maskPhone('13812345678'), '138****5678');
  t.is(maskPhone('+86 138-1234-5678'), '861****5678');
  t.is(maskPhone('0571-88886666'), '057****6666');
  t.is(maskPhone('12'), '****');
  t.is(maskName('欧阳娜娜'), '欧**');
  t.is(maskName('  '), null);
  t.is(phoneLast4('138-1234-5678'), '5678');
});

test('masked phones never contain the middle digits (property)', (t) => {
  fc.assert(
    fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (p) => {
      const m = maskPhone(p);
      return m.length === 11 && m.slice(3, 7) === '****' && m.endsWith(p.slice(-4));
    }),
  );
  t.pass();
});

test('caller visibility: staff full, units masked, confidential and 举报/检举 hidden', (t) => {
  t.is(callerVisibility(true, { confidential: true, type: 'report' }), 'full');
  t.is(callerVisibility(false, { confidential: false, type: 'help' }), 'masked');
  t.is(callerVisibility(false, { confidential: true, type: 'help' }), 'hidden');
  t.is(callerVisibility(false, { confidential: false, type: 'report' }), 'hidden');
  t.is(callerVisibility(false, { confidential: false, type: 'accuse' }), 'hidden');
  t.deepEqual(viewCaller({ name: '李四', phone: '13900000000' }, 'hidden'), { visibility: 'hidden', name: null, phone: null });
});

test('scope: hotline roles and the center manager see all; units and unit managers their scope only', (t) => {
  for (const r of ['operator', 'dispatcher', 'admin'] as const) t.true(seesAllTickets(viewer(r)));
  t.true(seesAllTickets(viewer('manager')));
  t.false(seesAllTickets(viewer('manager', 'dist-a')));
  t.false(seesAllTickets(viewer('unit_handler', 'center')), 'a unit handler never sees everything');
  t.deepEqual(ticketScopeFilter(viewer('unit_handler', 'st-a1')), { scopeUnitIds: 'st-a1' });
  t.deepEqual(ticketScopeFilter(viewer('operator')), {});
  t.true(canSeeTicket(viewer('unit_handler', 'dist-a'), { scopeUnitIds: ['st-a1', 'dist-a'] }));
  t.false(canSeeTicket(viewer('unit_handler', 'dist-b'), { scopeUnitIds: ['st-a1', 'dist-a'] }));
  t.false(canSeeTicket(viewer('unit_handler', 'dist-b'), { scopeUnitIds: [] }));
});

test('unitWithAncestors walks up and stops on cycles', (t) => {
  const parent: Record<string, string | null> = { s: 'd', d: 'c', c: null, x: 'y', y: 'x' };
  t.deepEqual(unitWithAncestors('s', (id) => parent[id]), ['s', 'd', 'c']);
  t.deepEqual(unitWithAncestors('x', (id) => parent[id]), ['x', 'y']);
});

const input = (outcome: IntakeInput['outcome']): IntakeInput => ({
  channel: 'phone',
  caller: { name: '王五', phone: '13800000000' },
  type: 'consult',
  urgency: 'normal',
  content: '咨询',
  confidential: false,
  outcome,
});

test('intake: a ticket starts new and owned by the operator (首问); a web message by the center', (t) => {
  const at = new Date('2026-03-02T01:00:00Z');
  const s = initialState(input({ kind: 'ticket' }), { id: 'op1', name: '话务员甲', role: 'operator', unitId: 'center' }, at);
  t.is(s.status, 'new');
  t.deepEqual(s.owner, { kind: 'user', id: 'op1', name: '话务员甲' });
  t.is(s.history.length, 1);
  const web = initialState({ ...input({ kind: 'ticket' }), channel: 'web' }, null, at);
  t.is(web.owner.kind, 'center');
  t.is(web.history[0]!.actor.role, 'citizen');
});

test('intake: direct answer and emergency transfer close the ticket with their record', (t) => {
  const by = { id: 'op1', name: '话务员甲', role: 'operator' as const, unitId: 'center' };
  const at = new Date();
  const d = initialState(input({ kind: 'direct_answer', answer: '答复内容' }), by, at);
  t.is(d.status, 'closed');
  t.deepEqual(d.closure, { reason: 'direct_answer', at, answer: '答复内容' });
  t.deepEqual(d.history.map((h) => h.seq), [1, 2]);
  const e = initialState(input({ kind: 'emergency_transfer', line: '120' }), by, at);
  t.is(e.emergency!.line, '120');
  t.is(e.closure!.reason, 'emergency_transfer');
});

test('ticket numbers: Shanghai day plus a zero-padded sequence', (t) => {
  t.is(shanghaiDay(new Date('2026-11-21T16:30:00Z')), '2026-11-22', 'after 16:00 UTC it is already the next day in Shanghai');
  // The day last looked up is remembered: the instants either side of its edges still get their own day.
  t.is(shanghaiDay(new Date('2026-11-21T15:59:59.999Z')), '2026-11-21');
  t.is(shanghaiDay(new Date('2026-11-21T16:00:00Z')), '2026-11-22');
  t.is(shanghaiDay(new Date('2026-11-22T15:59:59.999Z')), '2026-11-22');
  t.is(shanghaiDay(new Date('2026-11-22T16:00:00Z')), '2026-11-23');
  t.is(shanghaiDay(new Date('2026-11-21T15:59:59.999Z')), '2026-11-21');
  t.is(formatTicketNumber('2026-11-22', 123), '20261122-000123');
  t.regex(formatTicketNumber('2026-11-22', 1_234_567), TICKET_NUMBER_PATTERN);
});

test('dispatch: only from new/manual, scope includes ancestors, lead cannot be co-handler', (t) => {
  const by = { id: 'd1', name: '派单员', role: 'dispatcher' as const, unitId: 'center' };
  const lead = { unitId: 'st-a1', unitName: '湖滨街道', ancestors: ['dist-a'] };
  const co = { unitId: 'dept-zjj', unitName: '住建局', ancestors: [] };
  const c = dispatch({ status: 'manual' }, { lead, coUnits: [co] }, by, new Date());
  t.is(c.set.status, 'dispatched');
  t.deepEqual(new Set(c.set.scopeUnitIds as string[]), new Set(['st-a1', 'dist-a', 'dept-zjj']));
  t.is(c.events[0]!.type, 'dispatched');
  t.throws(() => dispatch({ status: 'closed' }, { lead, coUnits: [] }, by, new Date()), { instanceOf: ConflictError });
  t.throws(() => dispatch({ status: 'new' }, { lead, coUnits: [{ ...lead }] }, by, new Date()), { instanceOf: ConflictError });
});

test('search tokens: a query matches text however jieba cut it', (t) => {
  const stored = new Set(searchTokens('滨江路3号附近路灯不亮已经一周，编号LD-2031'));
  for (const q of ['路灯', '路灯不亮', '滨江路', 'ld']) {
    t.true(queryTokens(q).every((tok) => stored.has(tok)), q);
  }
  t.false(queryTokens('电梯').every((tok) => stored.has(tok)));
});
