import test from 'ava';
import {
  boardData,
  clocksOf,
  dayBounds,
  lightOf,
  outcomeOf,
  periodDays,
  periodTally,
  rate,
  shanghaiDay,
  summarize,
  tallyByDay,
  type BoardTicket,
  type MetricEvent,
} from '../../server/domain/metrics.ts';
import { decide } from '../../server/domain/workflow.ts';
import type { Actor } from '../../server/domain/ticket.ts';

const H = 3600_000;
const T0 = Date.parse('2025-03-04T02:00:00Z'); // 10:00 in Shanghai, Tuesday 4 March 2025
const iso = (x: number) => new Date(x).toISOString();

let seq = 0;
function ticket(over: Partial<BoardTicket> & { unit?: string; acceptDue?: number; resolveDue?: number }): BoardTicket {
  const { unit, acceptDue, resolveDue, ...rest } = over;
  seq++;
  return {
    id: `t${seq}`,
    number: `20250304-${String(seq).padStart(6, '0')}`,
    status: 'dispatched',
    urgency: 'normal',
    lead: unit ? { unitId: unit, unitName: `${unit}名` } : null,
    scopeUnitIds: unit ? [unit] : [],
    overdue: false,
    deadlines:
      acceptDue !== undefined || resolveDue !== undefined
        ? {
            escalation: 'none',
            ...(acceptDue !== undefined ? { accept: { dueAt: iso(acceptDue), warningAt: iso(acceptDue - 0.5 * H) } } : {}),
            resolve: { dueAt: iso(resolveDue ?? T0 + 72 * H), warningAt: iso((resolveDue ?? T0 + 72 * H) - 12 * H) },
          }
        : null,
    version: 2,
    createdAt: iso(T0 - 2 * H),
    ...rest,
  };
}

test('the light of a ticket: accept while dispatched, resolve after; amber at the warning, red at the deadline or the stored flag', (t) => {
  const tk = ticket({ unit: 'u1', acceptDue: T0 + 2 * H, resolveDue: T0 + 48 * H });
  t.deepEqual(lightOf(tk, T0), { light: 'ok', level: null, milestone: 'accept', dueAt: T0 + 2 * H });
  t.is(lightOf(tk, T0 + 1.6 * H).light, 'warning');
  t.deepEqual(lightOf(tk, T0 + 2 * H), { light: 'overdue', level: 'due', milestone: 'accept', dueAt: T0 + 2 * H }, 'red at the instant, before the timer ran');
  const accepted = { ...tk, status: 'accepted' as const };
  t.is(lightOf(accepted, T0 + 3 * H).milestone, 'resolve');
  t.is(lightOf(accepted, T0 + 3 * H).light, 'ok');
  const flagged = { ...accepted, overdue: true, deadlines: { ...accepted.deadlines!, escalation: 'supervision' } };
  t.deepEqual(lightOf(flagged, T0).level, 'supervision', 'the stored ladder level');
  t.is(lightOf({ ...flagged, status: 'replied' }, T0).light, 'none', 'a replied ticket is no longer on the unit’s clock');
  t.is(lightOf(ticket({ status: 'manual' }), T0).light, 'none');
});

test('the board counts open tickets by status and lead unit, due soon and overdue by level, and lists what needs a manager', (t) => {
  const now = T0;
  const tickets: BoardTicket[] = [
    ticket({ status: 'new' }),
    ticket({ status: 'manual' }),
    ticket({ status: 'arbitration', returnCount: 2, createdAt: iso(T0 - 5 * H) }),
    ticket({ unit: 'u1', acceptDue: T0 + 2 * H }),
    ticket({ unit: 'u1', acceptDue: T0 + 0.2 * H }), // due soon
    ticket({ unit: 'u1', status: 'accepted', resolveDue: T0 - 1 * H, overdue: true, deadlines: { escalation: 'due', resolve: { dueAt: iso(T0 - H), warningAt: iso(T0 - 5 * H) } } }),
    ticket({ unit: 'u2', status: 'accepted', overdue: true, deadlines: { escalation: 'supervision', resolve: { dueAt: iso(T0 - 100 * H), warningAt: iso(T0 - 120 * H) } } }),
    ticket({
      unit: 'u2',
      status: 'accepted',
      resolveDue: T0 + 30 * H,
      deadlines: {
        escalation: 'none',
        resolve: { dueAt: iso(T0 + 30 * H), warningAt: iso(T0 + 20 * H) },
        extensionRequest: { workingDays: 3, reason: '需协调燃气公司', by: { name: '王承办' }, at: iso(T0 - H) },
      },
    }),
    ticket({ unit: 'u2', status: 'replied' }),
    ticket({ unit: 'u2', status: 'closed' }),
    ticket({ status: 'merged' }),
  ];
  const data = boardData(tickets, now);
  const all = summarize(data.cells);
  t.is(all.open, 9, 'closed and merged are not on the board');
  t.like(all.byStatus, { new: 1, manual: 1, arbitration: 1, dispatched: 2, accepted: 3, replied: 1, callback: 0 });
  t.is(all.dueSoon, 1);
  t.is(all.overdue, 2);
  t.deepEqual(all.levels, { due: 1, reminderNotice: 0, supervision: 1 });
  t.is(all.extensions, 1);
  t.is(all.arbitration, 1);
  t.deepEqual(all.units.map((u) => [u.unitId, u.open, u.overdue, u.dueSoon]), [['u1', 3, 1, 1], ['u2', 2, 1, 0]], 'a replied ticket is waiting for review at the center');
  t.deepEqual(data.overdue.map((r) => r.level), ['supervision', 'due'], 'most severe first');
  t.is(data.extensions[0]!.extensionRequest!.reason, '需协调燃气公司');
  t.is(data.arbitration[0]!.returnCount, 2);

  // A unit manager's view: only the units of its scope, nothing without a unit.
  const u1 = summarize(data.cells, (u) => u === 'u1');
  t.is(u1.open, 3);
  t.is(u1.arbitration, 0);
  t.deepEqual(u1.units.map((u) => u.unitId), ['u1']);
});

const ev = (type: string, at: number, data?: Record<string, unknown>): MetricEvent => ({ type, at: iso(at), ...(data ? { data } : {}) });
const set = (at: number, unitId: string | undefined, accept: number | null, resolve: number) =>
  ev('deadlines_set', at, { ...(unitId ? { unitId } : {}), dueAt: { accept: accept === null ? null : iso(accept), resolve: iso(resolve) } });

test('deadline clocks from the history: met on time, late, dropped at a re-dispatch before the deadline, late when re-dispatched after it', (t) => {
  const history = [
    ev('created', T0),
    ev('dispatched', T0),
    set(T0, 'u1', T0 + 2 * H, T0 + 48 * H),
    // u1 never accepts; the dispatcher moves the ticket after the accept deadline but before the resolve one.
    ev('redispatched', T0 + 3 * H),
    set(T0 + 3 * H, 'u2', T0 + 5 * H, T0 + 51 * H),
    ev('accepted', T0 + 4 * H),
    ev('replied', T0 + 60 * H),
  ];
  const clocks = clocksOf(history);
  const now = T0 + 100 * H;
  t.deepEqual(
    clocks.map((c) => [c.unitId, c.milestone, outcomeOf(c, now)]),
    [
      ['u1', 'accept', 'late'],
      ['u1', 'resolve', 'dropped'],
      ['u2', 'accept', 'on_time'],
      ['u2', 'resolve', 'late'],
    ],
  );
  t.is(outcomeOf(clocks[3]!, T0 + 50 * H), 'late', 'met late stays late');
  const pending = clocksOf(history.slice(0, 6));
  t.is(outcomeOf(pending.at(-1)!, T0 + 10 * H), 'pending');
});

test('an extension approved before the deadline moves it; one approved after it does not undo the miss; a return request answers the dispatch; a redo keeps the unit', (t) => {
  const moved = clocksOf([set(T0, 'u1', null, T0 + 24 * H), ev('extension_approved', T0 + 20 * H, { dueAt: iso(T0 + 72 * H) }), ev('replied', T0 + 50 * H)]);
  t.is(outcomeOf(moved[0]!, T0 + 100 * H), 'on_time');
  const tooLate = clocksOf([set(T0, 'u1', null, T0 + 24 * H), ev('extension_approved', T0 + 30 * H, { dueAt: iso(T0 + 72 * H) }), ev('replied', T0 + 50 * H)]);
  t.is(outcomeOf(tooLate[0]!, T0 + 100 * H), 'late');

  const returned = clocksOf([set(T0, 'u1', T0 + 2 * H, T0 + 48 * H), ev('return_requested', T0 + H), ev('return_approved', T0 + 10 * H)]);
  t.deepEqual(returned.map((c) => outcomeOf(c, T0 + 100 * H)), ['on_time', 'dropped']);

  const redo = clocksOf([set(T0, 'u1', T0 + 2 * H, T0 + 48 * H), ev('accepted', T0 + H), ev('replied', T0 + 10 * H), ev('redo', T0 + 30 * H), set(T0 + 30 * H, undefined, null, T0 + 80 * H)]);
  t.deepEqual(redo.map((c) => [c.unitId, c.milestone, outcomeOf(c, T0 + 100 * H)]), [
    ['u1', 'accept', 'on_time'],
    ['u1', 'resolve', 'on_time'],
    ['u1', 'resolve', 'late'],
  ]);
});

test('rates count settled deadlines on the Shanghai day they fell on; a deadline later today counts once met', (t) => {
  // 23:30 on 3 March in Shanghai is still 3 March; 00:30 on 4 March is 4 March (UTC: both on the 3rd).
  const lateEvening = Date.parse('2025-03-03T15:30:00Z');
  const afterMidnight = Date.parse('2025-03-03T16:30:00Z');
  t.is(shanghaiDay(lateEvening), '2025-03-03');
  t.is(shanghaiDay(afterMidnight), '2025-03-04');
  t.deepEqual(dayBounds('2025-03-04'), { start: new Date('2025-03-03T16:00:00Z'), end: new Date('2025-03-04T16:00:00Z') });

  const now = Date.parse('2025-03-04T06:00:00Z'); // 14:00 on the 4th
  const clocks = [
    { unitId: 'u1', milestone: 'accept' as const, dueAt: lateEvening, metAt: lateEvening - H, endedAt: null }, // 3rd, on time
    { unitId: 'u1', milestone: 'accept' as const, dueAt: afterMidnight, metAt: null, endedAt: null }, // 4th, late
    { unitId: 'u1', milestone: 'resolve' as const, dueAt: now + 2 * H, metAt: now - H, endedAt: null }, // 4th, on time already
    { unitId: 'u1', milestone: 'resolve' as const, dueAt: now + 3 * H, metAt: null, endedAt: null }, // 4th, pending: not counted
    { unitId: 'u2', milestone: 'resolve' as const, dueAt: now - H, metAt: now - 2 * H, endedAt: null }, // 4th, on time
    { unitId: 'u2', milestone: 'accept' as const, dueAt: now - H, metAt: null, endedAt: now - 3 * H }, // dropped
  ];
  const byDay = tallyByDay(clocks, now, new Set(['2025-03-03', '2025-03-04']));
  t.deepEqual(byDay.get('2025-03-03')?.get('u1'), { acceptDue: 1, acceptOnTime: 1, resolveDue: 0, resolveOnTime: 0 });
  t.deepEqual(byDay.get('2025-03-04')?.get('u1'), { acceptDue: 1, acceptOnTime: 0, resolveDue: 1, resolveOnTime: 1 });
  t.deepEqual(byDay.get('2025-03-04')?.get('u2'), { acceptDue: 0, acceptOnTime: 0, resolveDue: 1, resolveOnTime: 1 });
  const week = periodTally(['2025-03-03', '2025-03-04'], byDay);
  t.deepEqual(week.get('u1'), { acceptDue: 2, acceptOnTime: 1, resolveDue: 1, resolveOnTime: 1 });
  t.is(rate(1, 2), 0.5);
  t.is(rate(0, 0), null, 'nothing due: no rate rather than 0% or 100%');
});

test('periods: today, the week from Monday, the month from the 1st, in Shanghai time', (t) => {
  const wed = Date.parse('2025-10-01T01:00:00Z'); // Wednesday 1 October, 09:00 in Shanghai
  t.deepEqual(periodDays('today', wed), ['2025-10-01']);
  t.deepEqual(periodDays('week', wed), ['2025-09-29', '2025-09-30', '2025-10-01']);
  t.deepEqual(periodDays('month', wed), ['2025-10-01']);
  const sundayNight = Date.parse('2025-10-05T15:59:00Z'); // 23:59 on Sunday 5 October
  t.is(periodDays('week', sundayNight).length, 7);
  t.is(periodDays('month', Date.parse('2025-02-28T16:30:00Z')).length, 1, '00:30 on 1 March starts March');
});

const mgr: Actor = { id: 'm1', name: '赵主任', role: 'manager', unitId: 'center' };

test('督办: a manager supervises an overdue ticket the unit holds, with a note; refused for other roles, the wrong state, a ticket not overdue, no note', (t) => {
  const overdue = { status: 'accepted' as const, overdue: true, lead: { unitId: 'u1', unitName: '东湖区' }, deadlines: { escalation: 'due', resolve: { dueAt: iso(T0 - H) } } };
  const c = decide(overdue, { kind: 'supervise', note: '请于今日下班前办结并报结果' }, mgr, new Date(T0));
  t.deepEqual(c.set, {});
  t.is(c.events[0]!.type, 'supervised');
  t.is(c.events[0]!.note, '请于今日下班前办结并报结果');
  t.deepEqual(c.events[0]!.data, { unit: { unitId: 'u1', unitName: '东湖区' } });

  // The deadline passed a moment ago and its timer has not run yet: still overdue.
  const justPassed = { status: 'dispatched' as const, overdue: false, lead: overdue.lead, deadlines: { accept: { dueAt: iso(T0 - 1000) }, resolve: { dueAt: iso(T0 + 48 * H) } } };
  t.is(decide(justPassed, { kind: 'supervise', note: '尽快签收' }, mgr, new Date(T0)).events[0]!.type, 'supervised');

  for (const role of ['operator', 'dispatcher', 'unit_handler', 'admin'] as const) {
    t.throws(() => decide(overdue, { kind: 'supervise', note: 'x' }, { ...mgr, role }, new Date(T0)), { message: /当前角色不能督办/ }, role);
  }
  t.like(t.throws(() => decide({ ...overdue, status: 'replied' }, { kind: 'supervise', note: 'x' }, mgr, new Date(T0))), { status: 409, code: 'invalid_state' });
  const onTime = { ...overdue, overdue: false, deadlines: { resolve: { dueAt: iso(T0 + H) } } };
  t.like(t.throws(() => decide(onTime, { kind: 'supervise', note: 'x' }, mgr, new Date(T0))), { status: 409, code: 'not_overdue' });
  t.like(t.throws(() => decide(overdue, { kind: 'supervise', note: '  ' }, mgr, new Date(T0))), { status: 422 });
});

test('a ticket flagged for a deadline missed earlier names that deadline, not the one still running', (t) => {
  const tk = ticket({
    unit: 'u1',
    status: 'accepted',
    overdue: true,
    deadlines: { escalation: 'due', overdueMilestones: ['accept'], accept: { dueAt: iso(T0 - H) }, resolve: { dueAt: iso(T0 + 48 * H), warningAt: iso(T0 + 40 * H) } },
  });
  t.deepEqual(lightOf(tk, T0), { light: 'overdue', level: 'due', milestone: 'accept', dueAt: T0 - H });
});
