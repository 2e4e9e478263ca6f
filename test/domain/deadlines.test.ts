import test from 'ava';
import fc from 'fast-check';
import { TZDate, tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { CALENDAR_TIME_ZONE, WorkCalendar } from '../../server/domain/calendar.ts';
import {
  decideTimer,
  deadlinesAfterExtension,
  deadlinesForDispatch,
  deadlinesRecord,
  DEFAULT_POLICY_TABLE,
  escalationOf,
  extensionRequestProblem,
  formatShanghai,
  levelEvent,
  policyTableProblems,
  recipientPlan,
  storedDeadlines,
  timerFiredChange,
  timerJobId,
  type StoredDeadlines,
  type TimerTicket,
} from '../../server/domain/deadlines.ts';
import { DEFAULT_TIME_LIMIT_RULES, type TimeLimitRule } from '../../server/domain/time-limits.ts';
import { REQUEST_TYPE_KEYS, URGENCY_KEYS } from '../../server/domain/ticket.ts';

function sh(y: number, mo: number, d: number, h: number, mi = 0): Date {
  return new Date(new TZDate(y, mo - 1, d, h, mi, CALENDAR_TIME_ZONE).getTime());
}
const calendar = new WorkCalendar();
const complaint = { type: 'complaint' as const, urgency: 'normal' as const };

function dispatched(at = sh(2025, 9, 29, 10)): StoredDeadlines {
  return deadlinesForDispatch(complaint, 'st-a1', DEFAULT_POLICY_TABLE, at, calendar);
}
const ticket = (d: StoredDeadlines, over: Partial<TimerTicket> = {}): TimerTicket => ({ status: 'dispatched', deadlines: d, history: [], ...over });

test('dispatch deadlines: version 1, committed and statutory kept, one timer per milestone and level, National Day skipped', (t) => {
  // Mon 29 Sep 2025 10:00; 1-8 Oct holiday, Sat 11 Oct a make-up working day.
  const d = dispatched();
  t.is(d.version, 1);
  t.is(d.policyVersion, 0);
  t.is(d.unitId, 'st-a1');
  t.deepEqual(d.resolve.limit, { unit: 'workingDays', amount: 5 });
  t.deepEqual(d.resolve.statutoryLimit, { unit: 'workingDays', amount: 5 });
  // 5 working days after Mon 29 Sep: 30 Sep, 9 Oct, 10 Oct, 11 Oct (make-up Saturday), 13 Oct.
  t.is(formatShanghai(d.resolve.dueAt), '2025-10-13 17:30');
  t.is(formatShanghai(d.resolve.statutoryDueAt), '2025-10-13 17:30');
  t.deepEqual(
    d.timers.map((x) => x.key).sort(),
    ['accept.due', 'accept.warning', 'contact.due', 'contact.warning', 'resolve.due', 'resolve.reminderNotice', 'resolve.supervision', 'resolve.warning'].sort(),
  );
  t.deepEqual(d.fired, []);
  t.is(d.escalation, 'none');
  // The next dispatch (re-dispatch) of the same ticket gets the next version.
  t.is(deadlinesForDispatch({ ...complaint, deadlines: d }, 'dist-b', DEFAULT_POLICY_TABLE, sh(2025, 10, 9, 9), calendar).version, 2);
});

test('timer job ids are deterministic, carry the version and contain no colon', (t) => {
  const id = timerJobId('665f1c2a9b1e8a0012345678', 3, 'resolve', 'reminderNotice');
  t.is(id, 't-665f1c2a9b1e8a0012345678-v3-resolve-reminderNotice');
  t.false(id.includes(':'));
});

test('a timer fires only for the current version, a running clock, an unmet milestone, once', (t) => {
  const d = dispatched();
  t.is(decideTimer(ticket(d), 1, 'accept', 'warning').kind, 'fire');
  t.deepEqual(decideTimer(ticket(d), 0, 'accept', 'warning'), { kind: 'skip', reason: 'outdated' });
  t.deepEqual(decideTimer(ticket(d), 2, 'accept', 'warning'), { kind: 'skip', reason: 'outdated' });
  t.deepEqual(decideTimer(ticket(d, { status: 'closed' }), 1, 'resolve', 'due'), { kind: 'skip', reason: 'not_running' });
  t.deepEqual(decideTimer(ticket(d, { status: 'manual' }), 1, 'resolve', 'due'), { kind: 'skip', reason: 'not_running' });
  t.deepEqual(decideTimer(ticket(d, { status: 'accepted' }), 1, 'accept', 'due'), { kind: 'skip', reason: 'met' });
  t.is(decideTimer(ticket(d, { status: 'accepted' }), 1, 'contact', 'due').kind, 'fire');
  t.deepEqual(
    decideTimer(ticket(d, { status: 'accepted', history: [{ type: 'contacted', at: sh(2025, 9, 29, 11) }] }), 1, 'contact', 'due'),
    { kind: 'skip', reason: 'met' },
  );
  // A contact recorded before this clock started (an earlier dispatch) does not count.
  t.is(decideTimer(ticket(d, { status: 'accepted', history: [{ type: 'contacted', at: sh(2025, 9, 28, 11) }] }), 1, 'contact', 'due').kind, 'fire');
  t.deepEqual(decideTimer(ticket(d, { status: 'replied' }), 1, 'resolve', 'warning'), { kind: 'skip', reason: 'not_running' });
  // Asking to return: not chased for accepting, still for resolving.
  t.deepEqual(decideTimer(ticket(d, { status: 'return_requested' }), 1, 'accept', 'due'), { kind: 'skip', reason: 'not_running' });
  t.is(decideTimer(ticket(d, { status: 'return_requested' }), 1, 'resolve', 'due').kind, 'fire');

  const decision = decideTimer(ticket(d), 1, 'resolve', 'due');
  if (decision.kind !== 'fire') return t.fail();
  const change = timerFiredChange(d, decision.timer, sh(2025, 10, 13, 17, 30));
  const after = change.set.deadlines;
  t.deepEqual(after.fired, ['resolve.due']);
  t.deepEqual(decideTimer(ticket(after), 1, 'resolve', 'due'), { kind: 'skip', reason: 'already_fired' });
});

test('firing climbs the ladder: overdue at the deadline, escalation is the highest level reached', (t) => {
  let d = dispatched();
  const fire = (key: string) => {
    const timer = d.timers.find((x) => x.key === key)!;
    const change = timerFiredChange(d, timer, timer.fireAt);
    d = change.set.deadlines;
    return change;
  };
  const warning = fire('resolve.warning');
  t.false(warning.set.overdue);
  t.is(d.escalation, 'warning');
  t.is(warning.events[0]!.type, 'time_limit_warning');
  t.regex(warning.events[0]!.note!, /办结时限将于 2025-10-13 17:30 到期/);
  const due = fire('resolve.due');
  t.true(due.set.overdue);
  t.deepEqual(d.overdueMilestones, ['resolve']);
  t.is(d.escalation, 'due');
  fire('resolve.reminderNotice');
  t.is(d.escalation, 'reminderNotice');
  fire('accept.warning');
  t.is(d.escalation, 'reminderNotice', 'a lower level of another milestone does not lower it');
  fire('resolve.supervision');
  t.is(escalationOf(d.fired), 'supervision');
  t.is(levelEvent('warning'), 'warning');
  t.is(levelEvent('due'), 'overdue');
  t.is(levelEvent('supervision'), 'escalated');
});

test('an approved extension moves the resolve deadline in working days, bumps the version, keeps what accept reached', (t) => {
  let d = dispatched();
  const timer = d.timers.find((x) => x.key === 'accept.due')!;
  d = timerFiredChange(d, timer, timer.fireAt).set.deadlines;
  const w = d.timers.find((x) => x.key === 'resolve.warning')!;
  d = timerFiredChange(d, w, w.fireAt).set.deadlines;
  const extended = deadlinesAfterExtension({ ...d, extensionRequest: { id: 'x', workingDays: 3, reason: 'r', by: { id: 'u', name: 'n', unitId: 'st-a1' }, at: new Date() } }, 3, calendar);
  t.is(extended.version, 2);
  // 3 working days after Mon 13 Oct: 14, 15, 16 Oct.
  t.is(formatShanghai(extended.resolve.dueAt), '2025-10-16 17:30');
  t.is(extended.resolve.extendedWorkingDays, 3);
  t.deepEqual(extended.fired, ['accept.due']);
  t.deepEqual(extended.overdueMilestones, ['accept']);
  t.is(extended.escalation, 'due');
  t.is(extended.extensionRequest, null);
  t.true(extended.timers.some((x) => x.key === 'resolve.due' && x.at.getTime() === extended.resolve.dueAt.getTime()));
});

test('extension requests: before the deadline, at most 10 working days in all, one at a time', (t) => {
  const d = dispatched();
  const before = sh(2025, 10, 10, 9);
  t.is(extensionRequestProblem(d, 'accepted', 5, before), null);
  t.is(extensionRequestProblem(d, 'accepted', 11, before)?.code, 'extension_too_long');
  t.is(extensionRequestProblem({ ...d, resolve: { ...d.resolve, extendedWorkingDays: 8 } }, 'accepted', 3, before)?.code, 'extension_too_long');
  t.is(extensionRequestProblem(d, 'accepted', 2, sh(2025, 10, 13, 17, 30))?.code, 'deadline_passed');
  t.is(extensionRequestProblem(d, 'replied', 2, before)?.code, 'invalid_state');
  t.is(extensionRequestProblem(null, 'accepted', 2, before)?.code, 'no_deadlines');
  const pending = { ...d, extensionRequest: { id: 'x', workingDays: 2, reason: 'r', by: { id: 'u', name: 'n', unitId: 'st-a1' }, at: before } };
  t.is(extensionRequestProblem(pending, 'accepted', 2, before)?.code, 'extension_pending');
});

test('policy table validation names the field; the defaults are valid and cover every type and urgency', (t) => {
  t.deepEqual(policyTableProblems(DEFAULT_TIME_LIMIT_RULES, DEFAULT_POLICY_TABLE.settings), []);
  const withoutCritical = DEFAULT_TIME_LIMIT_RULES.filter((r) => r.urgency !== 'critical');
  t.true(policyTableProblems(withoutCritical, DEFAULT_POLICY_TABLE.settings).some((p) => p.field === 'rules' && /critical/.test(p.problem)));
  const loose: TimeLimitRule = {
    type: 'complaint',
    urgency: 'normal',
    committed: { accept: { unit: 'workingHours', amount: 2 }, contact: { unit: 'workingDays', amount: 1 }, resolve: { unit: 'workingDays', amount: 9 } },
    statutory: { accept: { unit: 'workingHours', amount: 2 }, contact: { unit: 'workingDays', amount: 1 }, resolve: { unit: 'workingDays', amount: 5 } },
  };
  t.deepEqual(policyTableProblems([...DEFAULT_TIME_LIMIT_RULES, loose], DEFAULT_POLICY_TABLE.settings).map((p) => p.field), [`rules.${DEFAULT_TIME_LIMIT_RULES.length}.committed.resolve`]);
  const half: TimeLimitRule = { ...loose, committed: { resolve: { unit: 'workingDays', amount: 1.5 } }, statutory: { resolve: { unit: 'workingDays', amount: 5 } } };
  t.deepEqual(policyTableProblems([...DEFAULT_TIME_LIMIT_RULES, half], DEFAULT_POLICY_TABLE.settings).map((p) => p.field), [`rules.${DEFAULT_TIME_LIMIT_RULES.length}`]);
  t.deepEqual(policyTableProblems(DEFAULT_TIME_LIMIT_RULES, { ...DEFAULT_POLICY_TABLE.settings, warnAt: 1.2 }).map((p) => p.field), ['settings']);
  t.deepEqual(policyTableProblems([...DEFAULT_TIME_LIMIT_RULES, DEFAULT_TIME_LIMIT_RULES[0]!], DEFAULT_POLICY_TABLE.settings).map((p) => p.field), [`rules.${DEFAULT_TIME_LIMIT_RULES.length}`]);
});

test('recipients climb with the level: handlers always, then the unit, parent units, the center', (t) => {
  t.deepEqual(recipientPlan('warning'), { handlers: true, unitManagers: false, ancestorManagers: false, centerManagers: false });
  t.deepEqual(recipientPlan('due'), { handlers: true, unitManagers: true, ancestorManagers: false, centerManagers: false });
  t.deepEqual(recipientPlan('reminderNotice'), { handlers: true, unitManagers: true, ancestorManagers: true, centerManagers: false });
  t.deepEqual(recipientPlan('supervision'), { handlers: true, unitManagers: true, ancestorManagers: true, centerManagers: true });
});

test('clock-hour limits remind at once, working-time ones in working hours', (t) => {
  // 特急 dispatched Sat 4 Oct 2025 23:00 (holiday): accept 30 min on the clock.
  const critical = deadlinesForDispatch({ type: 'help', urgency: 'critical' }, 'st-a1', DEFAULT_POLICY_TABLE, sh(2025, 10, 4, 23), calendar);
  const acceptDue = critical.timers.find((x) => x.key === 'accept.due')!;
  t.is(formatShanghai(acceptDue.fireAt), '2025-10-04 23:30');
  // 一般 dispatched Fri 26 Sep 2025 17:00: accept 2 working hours → due Sun 28 Sep (make-up working day) 09:00... warning fires in working hours.
  const normal = dispatched(sh(2025, 9, 26, 17));
  for (const x of normal.timers) t.true(calendar.isWithinWorkingHours(x.fireAt, { includeEnd: true }), `${x.key} ${formatShanghai(x.fireAt)}`);
});

test('formatShanghai agrees with date-fns in the zone, DST years included', (t) => {
  const zone = tz('Asia/Shanghai');
  // Every 7 h 13 min 13 s from 1986 (China kept DST 1986–1991) to 2031, with both sides of that hour's start.
  for (let at = Date.UTC(1986, 0, 1); at < Date.UTC(2031, 0, 1); at += (7 * 60 + 13) * 60_000 + 13_000) {
    for (const x of [at, Math.floor(at / 3_600_000) * 3_600_000, Math.floor(at / 3_600_000) * 3_600_000 - 1]) {
      if (formatShanghai(new Date(x)) !== format(new Date(x), 'yyyy-MM-dd HH:mm', { in: zone })) {
        t.fail(`${new Date(x).toISOString()}: ${formatShanghai(new Date(x))}`);
        return;
      }
    }
  }
  // The DST changes themselves: 1988-04-10 02:00 → 03:00 and 1988-09-11 02:00 → 01:00 local.
  for (let x = Date.UTC(1988, 3, 9, 16); x < Date.UTC(1988, 3, 9, 20); x += 60_000) t.is(formatShanghai(new Date(x)), format(new Date(x), 'yyyy-MM-dd HH:mm', { in: zone }));
  for (let x = Date.UTC(1988, 8, 10, 15); x < Date.UTC(1988, 8, 10, 19); x += 60_000) t.is(formatShanghai(new Date(x)), format(new Date(x), 'yyyy-MM-dd HH:mm', { in: zone }));
});

test('stored form: the whole deadlines come back from the record (instants as Dates), with the queried fields beside it', (t) => {
  const extended: StoredDeadlines = {
    ...dispatched(),
    // A reason that reads like an instant stays text: only instant fields are revived.
    extensionRequest: { id: 'x1', workingDays: 3, reason: '2025-10-09T00:30:00.000Z', by: { id: 'u1', name: '承办人', unitId: 'st-a1' }, at: sh(2025, 9, 30, 9) },
  };
  const record = deadlinesRecord(extended);
  // As read back from the store: a copy, so the string is parsed (the writer's own object is remembered decoded).
  const read = storedDeadlines({ deadlines: JSON.parse(JSON.stringify(record)) });
  t.deepEqual(read, extended);
  t.is(read!.extensionRequest!.reason, '2025-10-09T00:30:00.000Z');
  t.is(storedDeadlines({ deadlines: record }), extended, 'the record just written decodes to what was written, without a parse');
  // What queries, the board and the metrics read, as fields.
  t.deepEqual(record.resolve, { dueAt: extended.resolve.dueAt, warningAt: extended.resolve.warningAt });
  t.deepEqual(record.accept, { dueAt: extended.accept!.dueAt, warningAt: extended.accept!.warningAt });
  t.is(record.version, 1);
  t.is(record.escalation, 'none');
  t.deepEqual(record.extensionRequest, extended.extensionRequest);
  t.false('timers' in record, 'the timers and the policy live only in the string');
  // Tickets written before the record form keep working.
  t.deepEqual(storedDeadlines({ deadlines: extended }), extended);
  t.is(storedDeadlines({ deadlines: { resolve: extended.resolve } }), null, 'deadlines without a version are not the timers\' kind');
  t.is(storedDeadlines({}), null);
});

test('stored form: any deadlines come back whole from the compact string, and from the earlier full JSON', (t) => {
  // Committed limits shorter than statutory ones, so both are kept; and the defaults, where they are equal.
  const strict: TimeLimitRule[] = DEFAULT_TIME_LIMIT_RULES.map((r) =>
    r.urgency === 'normal' ? { ...r, committed: { ...r.committed, resolve: { unit: 'workingDays', amount: 3 } } } : r,
  );
  const from2020 = Date.UTC(2020, 0, 1);
  const arb = fc.record({
    at: fc.integer({ min: from2020, max: from2020 + 6 * 365 * 86_400_000 }),
    type: fc.constantFrom(...REQUEST_TYPE_KEYS),
    urgency: fc.constantFrom(...URGENCY_KEYS),
    complex: fc.boolean(),
    rules: fc.constantFrom(DEFAULT_TIME_LIMIT_RULES, strict),
    fired: fc.nat({ max: 8 }),
    extendDays: fc.option(fc.integer({ min: 1, max: 10 })),
    pending: fc.boolean(),
  });
  let longest = 0;
  fc.assert(
    fc.property(arb, (x) => {
      const table = { ...DEFAULT_POLICY_TABLE, version: 3, rules: x.rules };
      let d = deadlinesForDispatch({ type: x.type, urgency: x.urgency, complex: x.complex }, 'st-a1', table, new Date(x.at), calendar);
      for (const timer of d.timers.slice(0, x.fired)) d = timerFiredChange(d, timer, timer.fireAt).set.deadlines;
      if (x.extendDays) d = deadlinesAfterExtension(d, x.extendDays, calendar);
      if (x.pending) d = { ...d, extensionRequest: { id: 'x1', workingDays: 2, reason: '需协调多部门', by: { id: 'u1', name: '承办人', unitId: 'st-a1' }, at: new Date(x.at + 3600_000) } };
      const record = deadlinesRecord(d);
      t.deepEqual(storedDeadlines({ deadlines: JSON.parse(JSON.stringify(record)) }), d);
      t.deepEqual(storedDeadlines({ deadlines: { ...record, json: JSON.stringify(d) } }), d, 'the earlier form');
      longest = Math.max(longest, record.json.length / JSON.stringify(d).length);
    }),
    { numRuns: 300 },
  );
  t.true(longest < 0.65, `the compact string is under 65 % of the full JSON (up to ${longest.toFixed(2)})`);
  const plain = dispatched();
  t.true(deadlinesRecord(plain).json.length * 2 < JSON.stringify(plain).length, 'and less than half for a plain dispatch');
});
