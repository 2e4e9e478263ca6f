import test from 'ava';
import fc from 'fast-check';
import { TZDate, tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { CALENDAR_TIME_ZONE, WorkCalendar } from '../../server/domain/calendar.ts';
import {
  DEFAULT_TIME_LIMIT_RULES,
  DEFAULT_TIME_LIMIT_SETTINGS,
  computeDeadlines,
  extendDeadline,
  lightAt,
  selectTimeLimitPolicy,
  timerSchedule,
  validatePolicy,
  type MilestoneDeadline,
  type TimeLimitPolicy,
  type TimeLimitRule,
} from '../../server/domain/time-limits.ts';
import type { RequestType, Urgency } from '../../server/domain/ticket.ts';

/** An instant given as Asia/Shanghai wall time 'YYYY-MM-DD HH:mm[:ss]'. */
function sh(text: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) throw new Error(`bad test date ${text}`);
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  return new Date(new TZDate(y, mo - 1, d, h, mi, s, CALENDAR_TIME_ZONE).getTime());
}

/** Asia/Shanghai wall time with weekday; seconds only when not zero. */
function fmt(date: Date | undefined): string {
  if (!date) return 'none';
  const pattern = date.getUTCSeconds() === 0 ? 'yyyy-MM-dd EEE HH:mm' : 'yyyy-MM-dd EEE HH:mm:ss';
  return format(date, pattern, { in: tz(CALENDAR_TIME_ZONE) });
}

function summary(d: MilestoneDeadline | undefined) {
  if (!d) return undefined;
  return {
    due: fmt(d.dueAt),
    warning: fmt(d.warningAt),
    reminderNotice: fmt(d.reminderNoticeAt),
    supervision: fmt(d.supervisionAt),
  };
}

const REQUEST_TYPES: RequestType[] = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'demand', 'appeal', 'accuse', 'other'];
const URGENCIES: Urgency[] = ['critical', 'urgent', 'normal'];
const calendar = new WorkCalendar();

// ---------------------------------------------------------------------------
// The default policy table (domain.md §4)

test('default table: 特急 and 紧急 in clock hours for every type', (t) => {
  for (const type of REQUEST_TYPES) {
    const critical = selectTimeLimitPolicy({ type, urgency: 'critical' });
    t.deepEqual(critical.committed, {
      accept: { unit: 'clockHours', amount: 0.5 },
      contact: { unit: 'clockHours', amount: 1 },
      resolve: { unit: 'clockHours', amount: 2 },
    });
    const urgent = selectTimeLimitPolicy({ type, urgency: 'urgent' });
    t.deepEqual(urgent.committed, {
      accept: { unit: 'clockHours', amount: 1 },
      contact: { unit: 'clockHours', amount: 4 },
      resolve: { unit: 'clockHours', amount: 24 },
    });
  }
});

test('default table: 一般 resolves consultations/suggestions in 3 working days, requests for action in 5', (t) => {
  const resolveDays = Object.fromEntries(
    REQUEST_TYPES.map((type) => [type, selectTimeLimitPolicy({ type, urgency: 'normal' }).committed.resolve?.amount]),
  );
  t.deepEqual(resolveDays, {
    consult: 3,
    help: 5,
    complaint: 5,
    report: 5,
    suggestion: 3,
    praise: 3,
    demand: 5,
    appeal: 5,
    accuse: 5,
    other: 5,
  });
  const policy = selectTimeLimitPolicy({ type: 'help', urgency: 'normal' });
  t.deepEqual(policy.committed.accept, { unit: 'workingHours', amount: 2 });
  t.deepEqual(policy.committed.contact, { unit: 'workingDays', amount: 1 });
  t.deepEqual(policy.statutory, policy.committed, 'defaults: committed = statutory');
  t.is(policy.warnAt, 0.75);
  t.false(policy.countStartDay);
});

test('复杂 (approved) resolves in 15 working days and keeps the accept and contact limits', (t) => {
  const policy = selectTimeLimitPolicy({ type: 'complaint', urgency: 'normal', complex: true });
  t.deepEqual(policy.committed, {
    accept: { unit: 'workingHours', amount: 2 },
    contact: { unit: 'workingDays', amount: 1 },
    resolve: { unit: 'workingDays', amount: 15 },
  });
  t.deepEqual(policy.statutory.resolve, { unit: 'workingDays', amount: 15 });
});

test('every type and urgency has a valid policy', (t) => {
  for (const type of REQUEST_TYPES) {
    for (const urgency of URGENCIES) {
      for (const complex of [false, true]) {
        t.notThrows(() => validatePolicy(selectTimeLimitPolicy({ type, urgency, complex })), `${type}/${urgency}/${complex}`);
      }
    }
  }
});

test('the most specific rule wins: category over type over any', (t) => {
  const rules: TimeLimitRule[] = [
    ...DEFAULT_TIME_LIMIT_RULES,
    {
      type: '*',
      urgency: 'normal',
      categoryCode: 'elevator',
      committed: { accept: { unit: 'workingHours', amount: 1 }, contact: { unit: 'workingHours', amount: 4 }, resolve: { unit: 'workingDays', amount: 2 } },
      statutory: { accept: { unit: 'workingHours', amount: 2 }, contact: { unit: 'workingDays', amount: 1 }, resolve: { unit: 'workingDays', amount: 5 } },
      warnAt: 0.5,
    },
  ];
  const elevator = selectTimeLimitPolicy({ type: 'consult', urgency: 'normal', categoryCode: 'elevator' }, rules);
  t.deepEqual(elevator.committed.resolve, { unit: 'workingDays', amount: 2 });
  t.deepEqual(elevator.statutory.resolve, { unit: 'workingDays', amount: 5 });
  t.is(elevator.warnAt, 0.5);
  t.deepEqual(selectTimeLimitPolicy({ type: 'consult', urgency: 'normal', categoryCode: 'roads' }, rules).committed.resolve, {
    unit: 'workingDays',
    amount: 3,
  });
});

test('a table without a matching rule, or an inconsistent policy, is refused', (t) => {
  t.throws(() => selectTimeLimitPolicy({ type: 'consult', urgency: 'critical' }, DEFAULT_TIME_LIMIT_RULES.slice(2)));
  t.throws(() => selectTimeLimitPolicy({ type: 'consult', urgency: 'normal', complex: true }, DEFAULT_TIME_LIMIT_RULES.slice(0, 6)));
  const good = selectTimeLimitPolicy({ type: 'help', urgency: 'normal' });
  t.throws(() => validatePolicy({ ...good, warnAt: 1 }), { instanceOf: RangeError });
  t.throws(() => validatePolicy({ ...good, statutory: { resolve: good.committed.resolve } }), { instanceOf: RangeError });
  t.throws(() => validatePolicy({ ...good, committed: { ...good.committed, resolve: { unit: 'workingDays', amount: 1.5 } } }), {
    instanceOf: RangeError,
  });
  t.throws(() => validatePolicy({ ...good, committed: { ...good.committed, accept: { unit: 'clockHours', amount: 0 } } }), {
    instanceOf: RangeError,
  });
  t.throws(() => validatePolicy({ ...good, supervisionAfterWorkingDays: 0 }), { instanceOf: RangeError });
});

// ---------------------------------------------------------------------------
// computeDeadlines

test('一般 complaint dispatched on the last working day before Spring Festival 2025', (t) => {
  const policy = selectTimeLimitPolicy({ type: 'complaint', urgency: 'normal' });
  const deadlines = computeDeadlines(policy, sh('2025-01-27 10:00'), calendar);
  t.deepEqual(summary(deadlines.accept), { due: '2025-01-27 Mon 12:00', warning: '2025-01-27 Mon 11:30', reminderNotice: 'none', supervision: 'none' });
  t.is(fmt(deadlines.contact?.dueAt), '2025-02-05 Wed 17:30');
  // 40.5 working hours (5.5 on 27 Jan + 5 × 7); 75% elapse on make-up Saturday 8 Feb at 14:22:30.
  t.deepEqual(summary(deadlines.resolve), {
    due: '2025-02-10 Mon 17:30',
    warning: '2025-02-08 Sat 14:22:30',
    reminderNotice: '2025-02-11 Tue 08:30',
    supervision: '2025-02-17 Mon 17:30',
  });
  t.is(deadlines.resolve.statutoryDueAt.getTime(), deadlines.resolve.dueAt.getTime());
  t.is(deadlines.resolve.extendedWorkingDays, 0);
  t.deepEqual(deadlines.warnings, []);
});

test('一般 consultation dispatched before National Day 2025 reaches the make-up Saturday 11 Oct', (t) => {
  const policy = selectTimeLimitPolicy({ type: 'consult', urgency: 'normal' });
  const deadlines = computeDeadlines(policy, sh('2025-09-26 16:00'), calendar);
  t.is(fmt(deadlines.accept?.dueAt), '2025-09-28 Sun 09:00', 'two working hours reach the make-up Sunday');
  t.is(fmt(deadlines.contact?.dueAt), '2025-09-28 Sun 17:30');
  t.is(fmt(deadlines.resolve.dueAt), '2025-09-30 Tue 17:30');
  t.is(fmt(deadlines.resolve.reminderNoticeAt), '2025-10-09 Thu 08:30');
  t.is(fmt(deadlines.resolve.supervisionAt), '2025-10-14 Tue 17:30', '9, 10, 11 (Sat), 13, 14 Oct');
});

test('dispatched on a make-up working day, with and without counting the start day', (t) => {
  const start = sh('2025-01-26 10:00');
  const consult = selectTimeLimitPolicy({ type: 'consult', urgency: 'normal' });
  t.is(fmt(computeDeadlines(consult, start, calendar).resolve.dueAt), '2025-02-06 Thu 17:30');
  const guangzhou = selectTimeLimitPolicy({ type: 'consult', urgency: 'normal' }, DEFAULT_TIME_LIMIT_RULES, {
    ...DEFAULT_TIME_LIMIT_SETTINGS,
    countStartDay: true,
  });
  const counted = computeDeadlines(guangzhou, start, calendar);
  t.is(fmt(counted.resolve.dueAt), '2025-02-05 Wed 17:30', '26 Jan, 27 Jan, 5 Feb');
  t.is(fmt(counted.contact?.dueAt), '2025-01-26 Sun 17:30');
});

test('特急 dispatched on New Year’s Eve night runs on the clock through the holiday', (t) => {
  const policy = selectTimeLimitPolicy({ type: 'help', urgency: 'critical' });
  const deadlines = computeDeadlines(policy, sh('2025-01-28 23:00'), calendar);
  t.deepEqual(summary(deadlines.accept), { due: '2025-01-28 Tue 23:30', warning: '2025-01-28 Tue 23:22:30', reminderNotice: 'none', supervision: 'none' });
  t.is(fmt(deadlines.contact?.dueAt), '2025-01-29 Wed 00:00');
  t.deepEqual(summary(deadlines.resolve), {
    due: '2025-01-29 Wed 01:00',
    warning: '2025-01-29 Wed 00:30',
    reminderNotice: '2025-02-05 Wed 08:30',
    supervision: '2025-02-10 Mon 17:30',
  });
});

test('紧急 24 clock hours run over the weekend', (t) => {
  const policy = selectTimeLimitPolicy({ type: 'help', urgency: 'urgent' });
  const deadlines = computeDeadlines(policy, sh('2025-03-07 20:00'), calendar);
  t.is(fmt(deadlines.contact?.dueAt), '2025-03-08 Sat 00:00');
  t.is(fmt(deadlines.resolve.dueAt), '2025-03-08 Sat 20:00');
  t.is(fmt(deadlines.resolve.warningAt), '2025-03-08 Sat 14:00');
  t.is(fmt(deadlines.resolve.reminderNoticeAt), '2025-03-10 Mon 08:30');
});

test('statutory and committed deadlines are both kept; the committed one drives warnings and timers', (t) => {
  const strict: TimeLimitRule = {
    type: '*',
    urgency: 'normal',
    committed: { accept: { unit: 'workingHours', amount: 1 }, contact: { unit: 'workingHours', amount: 4 }, resolve: { unit: 'workingDays', amount: 2 } },
    statutory: { accept: { unit: 'workingHours', amount: 2 }, contact: { unit: 'workingDays', amount: 1 }, resolve: { unit: 'workingDays', amount: 5 } },
  };
  const policy = selectTimeLimitPolicy({ type: 'help', urgency: 'normal' }, [strict]);
  const deadlines = computeDeadlines(policy, sh('2026-02-10 09:00'), calendar);
  t.is(fmt(deadlines.resolve.dueAt), '2026-02-12 Thu 17:30');
  t.is(fmt(deadlines.resolve.statutoryDueAt), '2026-02-24 Tue 17:30', '11, 12, 13, 14 (Sat), 24 Feb');
  t.is(fmt(deadlines.contact?.dueAt), '2026-02-10 Tue 15:00');
  t.is(fmt(deadlines.contact?.statutoryDueAt), '2026-02-11 Wed 17:30');
  const due = timerSchedule(deadlines, calendar).find((timer) => timer.key === 'resolve.due');
  t.is(fmt(due?.at), '2026-02-12 Thu 17:30');
});

test('a limit reaching into 2027 (not in chinese-days) uses the computed 元旦 and carries a warning', (t) => {
  const policy = selectTimeLimitPolicy({ type: 'complaint', urgency: 'normal' });
  const deadlines = computeDeadlines(policy, sh('2026-12-30 10:00'), calendar);
  t.is(fmt(deadlines.resolve.dueAt), '2027-01-07 Thu 17:30', '31 Dec, (1 Jan off), 4, 5, 6, 7 Jan');
  t.is(deadlines.warnings.length, 1);
  t.true(deadlines.warnings[0]?.startsWith('2027年'));

  const spring = computeDeadlines(selectTimeLimitPolicy({ type: 'consult', urgency: 'normal' }), sh('2027-02-04 10:00'), calendar);
  t.is(fmt(spring.resolve.dueAt), '2027-02-15 Mon 17:30', '除夕 5 Feb to 初三 8 Feb and 补假 9-10 Feb are off');
});

// ---------------------------------------------------------------------------
// Extensions

test('an extension moves the resolve deadlines by working days and recomputes warning and ladder', (t) => {
  const policy = selectTimeLimitPolicy({ type: 'complaint', urgency: 'normal' });
  const deadlines = computeDeadlines(policy, sh('2025-09-22 09:00'), calendar);
  t.is(fmt(deadlines.resolve.dueAt), '2025-09-28 Sun 17:30');
  const extended = extendDeadline(deadlines, 3, policy, calendar);
  t.deepEqual(summary(extended.resolve), {
    due: '2025-10-09 Thu 17:30',
    // 6.5 h on Mon 22 Sep + 8 working days = 62.5 working hours; 75% = 46.875 h.
    warning: '2025-09-29 Mon 15:52:30',
    reminderNotice: '2025-10-10 Fri 08:30',
    supervision: '2025-10-15 Wed 17:30',
  });
  t.is(fmt(extended.resolve.statutoryDueAt), '2025-10-09 Thu 17:30');
  t.is(extended.resolve.extendedWorkingDays, 3);
  t.deepEqual(extended.accept, deadlines.accept, 'other milestones unchanged');
  t.is(extendDeadline(extended, 2, policy, calendar).resolve.extendedWorkingDays, 5);
});

test('extensions respect the configured maximum and must be whole working days', (t) => {
  const shandong: TimeLimitPolicy = { ...selectTimeLimitPolicy({ type: 'help', urgency: 'normal' }), maxExtensionWorkingDays: 10 };
  const deadlines = computeDeadlines(shandong, sh('2025-03-03 09:00'), calendar);
  const once = extendDeadline(deadlines, 8, shandong, calendar);
  t.throws(() => extendDeadline(once, 3, shandong, calendar), { instanceOf: RangeError });
  t.notThrows(() => extendDeadline(once, 2, shandong, calendar));
  t.throws(() => extendDeadline(deadlines, 0, shandong, calendar), { instanceOf: RangeError });
  t.throws(() => extendDeadline(deadlines, 1.5, shandong, calendar), { instanceOf: RangeError });
});

test('an extended clock-hour limit switches its reminders to working hours', (t) => {
  const policy = selectTimeLimitPolicy({ type: 'help', urgency: 'urgent' });
  const deadlines = computeDeadlines(policy, sh('2025-03-07 20:00'), calendar);
  const extended = extendDeadline(deadlines, 1, policy, calendar);
  t.is(fmt(extended.resolve.dueAt), '2025-03-10 Mon 17:30');
  const timers = timerSchedule(extended, calendar).filter((timer) => timer.milestone === 'resolve');
  for (const timer of timers) t.true(calendar.isWithinWorkingHours(timer.fireAt, { includeEnd: true }), timer.key);
});

// ---------------------------------------------------------------------------
// Timer schedule

test('timer schedule of a normal ticket: one timer per milestone level, in delivery order', (t) => {
  const deadlines = computeDeadlines(selectTimeLimitPolicy({ type: 'complaint', urgency: 'normal' }), sh('2025-01-27 10:00'), calendar);
  const timers = timerSchedule(deadlines, calendar);
  t.deepEqual(
    timers.map((timer) => `${timer.key} ${fmt(timer.fireAt)}`),
    [
      'accept.warning 2025-01-27 Mon 11:30',
      'accept.due 2025-01-27 Mon 12:00',
      'contact.warning 2025-02-05 Wed 14:22:30',
      'contact.due 2025-02-05 Wed 17:30',
      'resolve.warning 2025-02-08 Sat 14:22:30',
      'resolve.due 2025-02-10 Mon 17:30',
      'resolve.reminderNotice 2025-02-11 Tue 08:30',
      'resolve.supervision 2025-02-17 Mon 17:30',
    ],
  );
  t.true(timers.every((timer) => timer.fireAt.getTime() === timer.at.getTime()), 'already inside working hours');
});

test('clock-hour reminders fire at once, escalation notices wait for working hours', (t) => {
  const deadlines = computeDeadlines(selectTimeLimitPolicy({ type: 'help', urgency: 'critical' }), sh('2025-01-28 23:00'), calendar);
  const timers = timerSchedule(deadlines, calendar);
  t.deepEqual(
    timers.map((timer) => `${timer.key} ${fmt(timer.fireAt)}`),
    [
      'accept.warning 2025-01-28 Tue 23:22:30',
      'accept.due 2025-01-28 Tue 23:30',
      'contact.warning 2025-01-28 Tue 23:45',
      'contact.due 2025-01-29 Wed 00:00',
      'resolve.warning 2025-01-29 Wed 00:30',
      'resolve.due 2025-01-29 Wed 01:00',
      'resolve.reminderNotice 2025-02-05 Wed 08:30',
      'resolve.supervision 2025-02-10 Mon 17:30',
    ],
  );
});

test('working-time reminders that fall outside working hours move to the next working period', (t) => {
  const deadlines = computeDeadlines(selectTimeLimitPolicy({ type: 'consult', urgency: 'normal' }), sh('2025-03-03 09:00'), calendar);
  t.is(fmt(deadlines.resolve.dueAt), '2025-03-06 Thu 17:30');
  // After the deadlines were stored, an admin declares Thu 6 Mar a holiday (e.g. a local typhoon day).
  const changed = new WorkCalendar({ overrides: { '2025-03-06': 'holiday' } });
  const due = timerSchedule(deadlines, changed).find((timer) => timer.key === 'resolve.due');
  t.is(fmt(due?.at), '2025-03-06 Thu 17:30');
  t.is(fmt(due?.fireAt), '2025-03-07 Fri 08:30');
});

test('lights: green, yellow from the warning, red after the deadline', (t) => {
  const deadlines = computeDeadlines(selectTimeLimitPolicy({ type: 'help', urgency: 'normal' }), sh('2025-02-05 09:00'), calendar);
  const accept = deadlines.accept;
  if (!accept) return t.fail('accept deadline expected');
  t.is(fmt(accept.dueAt), '2025-02-05 Wed 11:00');
  t.is(lightAt(accept, sh('2025-02-05 10:00')), 'green');
  t.is(lightAt(accept, sh('2025-02-05 10:30')), 'yellow');
  t.is(lightAt(accept, sh('2025-02-05 11:00')), 'yellow', 'on time at the deadline itself');
  t.is(lightAt(accept, new Date(sh('2025-02-05 11:00').getTime() + 1)), 'red');
});

// ---------------------------------------------------------------------------
// Properties

test('property: deadlines are ordered and timers never fire before their level is reached', (t) => {
  const instant = fc
    .date({ min: new Date('2024-06-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true })
    .map((date) => new Date(Math.floor(date.getTime() / 1000) * 1000));
  const ticket = fc.record({
    type: fc.constantFrom(...REQUEST_TYPES),
    urgency: fc.constantFrom(...URGENCIES),
    complex: fc.boolean(),
  });
  fc.assert(
    fc.property(instant, ticket, fc.boolean(), (dispatchedAt, key, countStartDay) => {
      const policy = selectTimeLimitPolicy(key, DEFAULT_TIME_LIMIT_RULES, { ...DEFAULT_TIME_LIMIT_SETTINGS, countStartDay });
      const deadlines = computeDeadlines(policy, dispatchedAt, calendar);
      for (const d of [deadlines.accept, deadlines.contact, deadlines.resolve]) {
        if (!d) continue;
        if (!(dispatchedAt.getTime() < d.dueAt.getTime())) return false;
        if (!(dispatchedAt.getTime() <= d.warningAt.getTime() && d.warningAt.getTime() <= d.dueAt.getTime())) return false;
      }
      const { resolve } = deadlines;
      if (!resolve.reminderNoticeAt || !resolve.supervisionAt) return false;
      if (!(resolve.dueAt.getTime() < resolve.reminderNoticeAt.getTime() && resolve.reminderNoticeAt.getTime() < resolve.supervisionAt.getTime())) {
        return false;
      }
      const timers = timerSchedule(deadlines, calendar);
      return (
        new Set(timers.map((timer) => timer.key)).size === timers.length &&
        timers.every((timer) => timer.fireAt.getTime() >= timer.at.getTime()) &&
        timers.every((timer, i) => i === 0 || (timers[i - 1]?.fireAt.getTime() ?? 0) <= timer.fireAt.getTime())
      );
    }),
  );
  t.pass();
});
