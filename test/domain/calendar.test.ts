import test from 'ava';
import fc from 'fast-check';
import { TZDate, tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { HolidayUtil } from 'lunar-typescript';
import {
  CALENDAR_TIME_ZONE,
  OFFICIAL_YEARS,
  WorkCalendar,
  statutoryHolidays,
} from '../../server/domain/calendar.ts';

/** An instant given as Asia/Shanghai wall time 'YYYY-MM-DD HH:mm[:ss]'. */
function sh(text: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) throw new Error(`bad test date ${text}`);
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  return new Date(new TZDate(y, mo - 1, d, h, mi, s, CALENDAR_TIME_ZONE).getTime());
}

/** Asia/Shanghai wall time of an instant, with the weekday: '2025-02-05 Wed 17:30'. */
function fmt(date: Date): string {
  return format(date, 'yyyy-MM-dd EEE HH:mm', { in: tz(CALENDAR_TIME_ZONE) });
}

const HOUR = 3_600_000;
const calendar = new WorkCalendar();

function workingDays(cal: WorkCalendar, dates: string[]): string[] {
  return dates.filter((date) => cal.isWorkingDay(date));
}

// ---------------------------------------------------------------------------
// Coverage of chinese-days and the computed years

test('chinese-days carries the official schedule for 2004-2026 and nothing later', (t) => {
  t.deepEqual(OFFICIAL_YEARS, Array.from({ length: 23 }, (_, i) => 2004 + i));
  t.deepEqual(calendar.coverage(2025), { year: 2025, source: 'official' });
  t.deepEqual(calendar.coverage(2026), { year: 2026, source: 'official' });
  for (const year of [2027, 2031, 2003]) {
    const coverage = calendar.coverage(year);
    t.is(coverage.source, 'computed');
    t.true(coverage.warning?.includes(`${year}年`), `${year} warns`);
  }
});

test('a year an admin has confirmed reports no warning', (t) => {
  const cal = new WorkCalendar({ confirmedYears: [2027] });
  t.deepEqual(cal.coverage(2027), { year: 2027, source: 'admin' });
  t.is(cal.coverage(2028).source, 'computed');
});

test('coverage warnings name every uncovered year a range touches', (t) => {
  t.deepEqual(calendar.coverageWarnings(sh('2026-03-01 10:00'), sh('2026-12-31 23:59')), []);
  const warnings = calendar.coverageWarnings(sh('2026-12-28 10:00'), sh('2028-01-05 10:00'));
  t.is(warnings.length, 2);
  t.true(warnings[0]?.startsWith('2027年'));
  t.true(warnings[1]?.startsWith('2028年'));
});

// ---------------------------------------------------------------------------
// Official years: holidays and make-up working days (调休)

test('Spring Festival 2025: 28 Jan - 4 Feb off, Sun 26 Jan and Sat 8 Feb worked', (t) => {
  for (let day = 28; day <= 31; day++) t.false(calendar.isWorkingDay(`2025-01-${day}`));
  for (let day = 1; day <= 4; day++) t.false(calendar.isWorkingDay(`2025-02-0${day}`));
  t.deepEqual(workingDays(calendar, ['2025-01-25', '2025-01-26', '2025-01-27', '2025-02-05', '2025-02-08', '2025-02-09']), [
    '2025-01-26',
    '2025-01-27',
    '2025-02-05',
    '2025-02-08',
  ]);
  t.deepEqual(calendar.describeDay('2025-01-26'), { date: '2025-01-26', working: true, source: 'official', holiday: '春节' });
  t.deepEqual(calendar.describeDay('2025-01-29'), { date: '2025-01-29', working: false, source: 'official', holiday: '春节' });
});

test('2025 make-up working days are exactly Sun 26 Jan, Sat 8 Feb, Sun 27 Apr, Sun 28 Sep, Sat 11 Oct', (t) => {
  const weekendsWorked: string[] = [];
  for (let day = new Date(sh('2025-01-01 12:00')); day.getTime() < sh('2026-01-01 00:00').getTime(); day = new Date(day.getTime() + 24 * HOUR)) {
    const info = calendar.describeDay(day);
    const weekday = format(day, 'EEE', { in: tz(CALENDAR_TIME_ZONE) });
    if ((weekday === 'Sat' || weekday === 'Sun') && info.working) weekendsWorked.push(info.date);
  }
  t.deepEqual(weekendsWorked, ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
});

test('National Day and Mid-Autumn 2025: 1-8 Oct off, Sun 28 Sep and Sat 11 Oct worked', (t) => {
  for (let day = 1; day <= 8; day++) t.false(calendar.isWorkingDay(`2025-10-0${day}`), `Oct ${day}`);
  t.is(calendar.describeDay('2025-10-06').holiday, '中秋');
  t.deepEqual(workingDays(calendar, ['2025-09-27', '2025-09-28', '2025-09-30', '2025-10-09', '2025-10-11', '2025-10-12']), [
    '2025-09-28',
    '2025-09-30',
    '2025-10-09',
    '2025-10-11',
  ]);
});

test('2026 schedule (国办发明电〔2025〕): Spring Festival 15-23 Feb, National Day 1-7 Oct and their make-up days', (t) => {
  for (let day = 15; day <= 23; day++) t.false(calendar.isWorkingDay(`2026-02-${day}`), `Feb ${day}`);
  for (let day = 1; day <= 7; day++) t.false(calendar.isWorkingDay(`2026-10-0${day}`), `Oct ${day}`);
  for (const day of ['2026-01-01', '2026-01-02', '2026-04-06', '2026-05-05', '2026-06-19', '2026-09-25']) {
    t.false(calendar.isWorkingDay(day), day);
  }
  // Make-up working days: Sun 4 Jan, Sat 14 Feb, Sat 28 Feb, Sat 9 May, Sun 20 Sep, Sat 10 Oct.
  for (const day of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
    t.deepEqual(calendar.describeDay(day).working, true, day);
    t.is(calendar.describeDay(day).source, 'official', day);
  }
  t.true(calendar.isWorkingDay('2026-02-24'));
  t.true(calendar.isWorkingDay('2026-10-08'));
});

test('chinese-days agrees with the independent HolidayUtil data of lunar-typescript for 2025 and 2026', (t) => {
  for (const year of [2025, 2026]) {
    const days = HolidayUtil.getHolidays(year);
    t.true(days.length > 30);
    for (const day of days) t.is(calendar.isWorkingDay(day.getDay()), day.isWork(), day.getDay());
  }
});

test('the computed statutory holidays of 2025 and 2026 are all official days off', (t) => {
  for (const year of [2025, 2026]) {
    const computed = statutoryHolidays(year);
    t.is(computed.filter((h) => !h.substitute).length, 13, `${year}: 13 statutory days`);
    for (const holiday of computed) t.false(calendar.isWorkingDay(holiday.date), `${holiday.date} ${holiday.name}`);
  }
});

// ---------------------------------------------------------------------------
// Years chinese-days lacks

test('an uncovered year still gets 春节, 国庆节 and the other statutory days, with their 补假', (t) => {
  // 2031: 除夕 Wed 22 Jan, 初三 Sat 25 Jan → 补假 Mon 27 Jan; 中秋 falls on 1 Oct → 补假 Mon 6 Oct.
  const names = statutoryHolidays(2031).map((h) => `${h.date} ${h.name}${h.substitute ? ' 补假' : ''}`);
  t.deepEqual(names, [
    '2031-01-01 元旦',
    '2031-01-22 春节',
    '2031-01-23 春节',
    '2031-01-24 春节',
    '2031-01-25 春节',
    '2031-01-27 春节 补假',
    '2031-04-05 清明',
    '2031-04-07 清明 补假',
    '2031-05-01 劳动节',
    '2031-05-02 劳动节',
    '2031-06-24 端午',
    '2031-10-01 国庆节',
    '2031-10-02 国庆节',
    '2031-10-03 国庆节',
    '2031-10-06 中秋 补假',
  ]);
  for (const day of ['2031-01-22', '2031-01-23', '2031-01-24', '2031-01-27', '2031-10-01', '2031-10-02', '2031-10-03', '2031-10-06']) {
    t.false(calendar.isWorkingDay(day), day);
  }
  t.deepEqual(calendar.describeDay('2031-01-23'), { date: '2031-01-23', working: false, source: 'computed', holiday: '春节' });
  t.is(calendar.describeDay('2031-01-27').holiday, '春节（补假）');
  // Ordinary days of the year follow the week.
  t.deepEqual(calendar.describeDay('2031-01-21'), { date: '2031-01-21', working: true, source: 'weekly' });
  t.false(calendar.isWorkingDay('2031-01-26'));
});

test('2027 (not yet in chinese-days): 春节 from 除夕 Fri 5 Feb, 国庆节 Fri 1 Oct with 补假 Mon 4 and Tue 5 Oct', (t) => {
  for (const day of ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-04-05', '2027-05-03', '2027-06-09', '2027-09-15']) {
    t.false(calendar.isWorkingDay(day), day);
  }
  for (const day of ['2027-10-01', '2027-10-04', '2027-10-05']) t.false(calendar.isWorkingDay(day), day);
  t.true(calendar.isWorkingDay('2027-02-11'));
  t.true(calendar.isWorkingDay('2027-10-06'));
  t.is(calendar.coverage(2027).source, 'computed');
});

// ---------------------------------------------------------------------------
// Admin overrides

test('admin overrides win over chinese-days and over computed holidays', (t) => {
  const cal = new WorkCalendar({
    overrides: { '2025-01-26': 'holiday', '2025-10-03': 'workday', '2031-01-23': 'workday', '2025-03-08': 'holiday' },
  });
  t.deepEqual(cal.describeDay('2025-01-26'), { date: '2025-01-26', working: false, source: 'override' });
  t.true(cal.isWorkingDay('2025-10-03'));
  t.true(cal.isWorkingDay('2031-01-23'));
  t.false(cal.isWorkingDay('2025-03-08'));
  // Arithmetic follows: with Sun 26 Jan now a holiday, Fri 24 Jan 17:00 + 1 h reaches Mon 27 Jan.
  t.is(fmt(cal.addWorkingHours(sh('2025-01-24 17:00'), 1)), '2025-01-27 Mon 09:00');
  t.is(fmt(calendar.addWorkingHours(sh('2025-01-24 17:00'), 1)), '2025-01-26 Sun 09:00');
});

test('invalid configuration is refused', (t) => {
  t.throws(() => new WorkCalendar({ overrides: { '2025-02-30': 'holiday' } }), { instanceOf: RangeError });
  t.throws(() => new WorkCalendar({ overrides: { '2025/02/03': 'holiday' } }), { instanceOf: RangeError });
  t.throws(() => new WorkCalendar({ overrides: { '2025-02-03': 'off' as never } }), { instanceOf: RangeError });
  t.throws(() => new WorkCalendar({ workingPeriods: [] }), { instanceOf: RangeError });
  t.throws(() => new WorkCalendar({ workingPeriods: [{ start: '14:00', end: '12:00' }] }), { instanceOf: RangeError });
  t.throws(() => new WorkCalendar({ workingPeriods: [{ start: '8:30', end: '12:00' }] }), { instanceOf: RangeError });
  t.throws(
    () => new WorkCalendar({ workingPeriods: [{ start: '08:30', end: '12:00' }, { start: '11:00', end: '17:00' }] }),
    { instanceOf: RangeError },
  );
});

// ---------------------------------------------------------------------------
// Working hours and their edges (default 08:30-12:00, 14:00-17:30)

test('working periods of a day, and none on a holiday', (t) => {
  t.deepEqual(
    calendar.workingIntervals(sh('2025-02-05 20:00')).map(({ start, end }) => `${fmt(start)}-${fmt(end).slice(-5)}`),
    ['2025-02-05 Wed 08:30-12:00', '2025-02-05 Wed 14:00-17:30'],
  );
  t.deepEqual(calendar.workingIntervals('2025-01-29'), []);
  t.is(calendar.workingDayLength, 7 * HOUR);
});

test('instants exactly at the edges of working hours', (t) => {
  t.true(calendar.isWithinWorkingHours(sh('2025-02-05 08:30')));
  t.false(calendar.isWithinWorkingHours(sh('2025-02-05 08:29:59')));
  t.true(calendar.isWithinWorkingHours(new Date(sh('2025-02-05 12:00').getTime() - 1)));
  t.false(calendar.isWithinWorkingHours(sh('2025-02-05 12:00')));
  t.true(calendar.isWithinWorkingHours(sh('2025-02-05 12:00'), { includeEnd: true }));
  t.true(calendar.isWithinWorkingHours(sh('2025-02-05 14:00')));
  t.false(calendar.isWithinWorkingHours(sh('2025-02-05 17:30')));
  t.false(calendar.isWithinWorkingHours(sh('2025-01-29 10:00')), 'holiday');

  t.is(fmt(calendar.nextWorkingInstant(sh('2025-02-05 08:30'))), '2025-02-05 Wed 08:30');
  t.is(fmt(calendar.nextWorkingInstant(sh('2025-02-05 08:29'))), '2025-02-05 Wed 08:30');
  t.is(fmt(calendar.nextWorkingInstant(sh('2025-02-05 10:17'))), '2025-02-05 Wed 10:17');
  t.is(fmt(calendar.nextWorkingInstant(sh('2025-02-05 12:00'))), '2025-02-05 Wed 14:00');
  t.is(fmt(calendar.nextWorkingInstant(sh('2025-02-07 17:30'))), '2025-02-08 Sat 08:30', 'make-up Saturday');
  t.is(fmt(calendar.nextWorkingInstant(sh('2025-01-27 17:30'))), '2025-02-05 Wed 08:30', 'across Spring Festival');
  t.is(fmt(calendar.nextWorkingInstant(sh('2025-01-30 03:00'))), '2025-02-05 Wed 08:30');
});

test('nextWorkingDay returns midnight of the next working day', (t) => {
  t.is(fmt(calendar.nextWorkingDay(sh('2025-01-24 10:00'))), '2025-01-26 Sun 00:00');
  t.is(fmt(calendar.nextWorkingDay(sh('2025-01-27 23:59'))), '2025-02-05 Wed 00:00');
  t.is(fmt(calendar.nextWorkingDay(sh('2026-09-30 09:00'))), '2026-10-08 Thu 00:00');
  t.is(fmt(calendar.nextWorkingDay(sh('2026-10-09 09:00'))), '2026-10-10 Sat 00:00');
});

// ---------------------------------------------------------------------------
// addWorkingHours / workingTimeBetween

test('addWorkingHours counts only working periods', (t) => {
  t.is(fmt(calendar.addWorkingHours(sh('2025-02-05 10:00'), 2)), '2025-02-05 Wed 12:00', 'ends on the lunch break edge');
  t.is(fmt(calendar.addWorkingHours(sh('2025-02-05 11:00'), 1.5)), '2025-02-05 Wed 14:30');
  t.is(fmt(calendar.addWorkingHours(sh('2025-02-05 12:00'), 1)), '2025-02-05 Wed 15:00', 'start in the lunch break');
  t.is(fmt(calendar.addWorkingHours(sh('2025-02-05 17:30'), 0.5)), '2025-02-06 Thu 09:00', 'start at closing time');
  t.is(fmt(calendar.addWorkingHours(sh('2025-02-05 06:00'), 7)), '2025-02-05 Wed 17:30', 'a full day');
  t.is(fmt(calendar.addWorkingHours(sh('2025-02-05 10:00'), 0)), '2025-02-05 Wed 10:00');
  t.throws(() => calendar.addWorkingHours(sh('2025-02-05 10:00'), -1), { instanceOf: RangeError });
});

test('addWorkingHours from the last working day before Spring Festival and into a make-up day', (t) => {
  t.is(fmt(calendar.addWorkingHours(sh('2025-01-27 16:30'), 2)), '2025-02-05 Wed 09:30');
  t.is(fmt(calendar.addWorkingHours(sh('2025-01-24 17:00'), 1)), '2025-01-26 Sun 09:00');
  t.is(fmt(calendar.addWorkingHours(sh('2026-02-13 16:00'), 2)), '2026-02-14 Sat 09:00', '2026 make-up Saturday');
  t.is(fmt(calendar.addWorkingHours(sh('2026-02-14 17:00'), 2)), '2026-02-24 Tue 10:00');
});

test('workingTimeBetween measures working milliseconds, negative when reversed', (t) => {
  t.is(calendar.workingTimeBetween(sh('2025-02-05 10:00'), sh('2025-02-05 15:00')), 3 * HOUR);
  t.is(calendar.workingTimeBetween(sh('2025-01-24 17:00'), sh('2025-01-26 09:00')), 1 * HOUR);
  t.is(calendar.workingTimeBetween(sh('2025-01-27 16:30'), sh('2025-02-05 09:30')), 2 * HOUR);
  t.is(calendar.workingTimeBetween(sh('2025-01-28 00:00'), sh('2025-02-04 23:59')), 0);
  t.is(calendar.workingTimeBetween(sh('2025-02-05 15:00'), sh('2025-02-05 10:00')), -3 * HOUR);
  t.is(calendar.workingTimeBetween(sh('2025-02-10 00:00'), sh('2025-02-15 00:00')), 35 * HOUR);
});

// ---------------------------------------------------------------------------
// addWorkingDays

test('N working days from the last working day before Spring Festival 2025', (t) => {
  const start = sh('2025-01-27 10:00');
  t.is(fmt(calendar.addWorkingDays(start, 1)), '2025-02-05 Wed 17:30');
  t.is(fmt(calendar.addWorkingDays(start, 3)), '2025-02-07 Fri 17:30');
  t.is(fmt(calendar.addWorkingDays(start, 4)), '2025-02-08 Sat 17:30', 'make-up Saturday counts');
  t.is(fmt(calendar.addWorkingDays(start, 5)), '2025-02-10 Mon 17:30');
  t.is(fmt(calendar.addWorkingDays(start, 1, { countStartDay: true })), '2025-01-27 Mon 17:30');
  t.is(fmt(calendar.addWorkingDays(start, 3, { countStartDay: true })), '2025-02-06 Thu 17:30');
});

test('N working days starting on a make-up working day (Sun 26 Jan 2025)', (t) => {
  const start = sh('2025-01-26 10:00');
  t.is(fmt(calendar.addWorkingDays(start, 1)), '2025-01-27 Mon 17:30');
  t.is(fmt(calendar.addWorkingDays(start, 2)), '2025-02-05 Wed 17:30');
  t.is(fmt(calendar.addWorkingDays(start, 1, { countStartDay: true })), '2025-01-26 Sun 17:30');
  t.is(fmt(calendar.addWorkingDays(start, 2, { countStartDay: true })), '2025-01-27 Mon 17:30');
});

test('N working days across National Day 2026 and Spring Festival 2026', (t) => {
  // Wed 30 Sep 2026 is the last working day before 1-7 Oct; Sat 10 Oct is worked.
  t.is(fmt(calendar.addWorkingDays(sh('2026-09-30 10:00'), 1)), '2026-10-08 Thu 17:30');
  t.is(fmt(calendar.addWorkingDays(sh('2026-09-30 10:00'), 3)), '2026-10-10 Sat 17:30');
  t.is(fmt(calendar.addWorkingDays(sh('2026-09-18 10:00'), 1)), '2026-09-20 Sun 17:30', 'make-up Sunday 20 Sep');
  t.is(fmt(calendar.addWorkingDays(sh('2026-02-13 10:00'), 1)), '2026-02-14 Sat 17:30');
  t.is(fmt(calendar.addWorkingDays(sh('2026-02-13 10:00'), 2)), '2026-02-24 Tue 17:30');
});

test('counting the start day: only a working day before its close of business is day 1', (t) => {
  const count = { countStartDay: true };
  t.is(fmt(calendar.addWorkingDays(sh('2025-02-05 17:29'), 1, count)), '2025-02-05 Wed 17:30');
  t.is(fmt(calendar.addWorkingDays(sh('2025-02-05 17:30'), 1, count)), '2025-02-06 Thu 17:30');
  t.is(fmt(calendar.addWorkingDays(sh('2025-02-05 07:00'), 1, count)), '2025-02-05 Wed 17:30');
  t.is(fmt(calendar.addWorkingDays(sh('2025-01-29 10:00'), 1, count)), '2025-02-05 Wed 17:30', 'holiday start');
  t.is(fmt(calendar.addWorkingDays(sh('2025-02-05 23:00'), 1)), '2025-02-06 Thu 17:30');
});

test('addWorkingDays refuses anything but a positive whole number', (t) => {
  t.throws(() => calendar.addWorkingDays(sh('2025-02-05 10:00'), 0), { instanceOf: RangeError });
  t.throws(() => calendar.addWorkingDays(sh('2025-02-05 10:00'), 1.5), { instanceOf: RangeError });
  t.throws(() => calendar.addWorkingDays(new Date(Number.NaN), 1), { instanceOf: TypeError });
});

test('configured working periods move the close of business', (t) => {
  const cal = new WorkCalendar({ workingPeriods: [{ start: '09:00', end: '12:00' }, { start: '13:30', end: '17:00' }] });
  t.is(fmt(cal.addWorkingDays(sh('2025-02-05 10:00'), 1)), '2025-02-06 Thu 17:00');
  t.is(fmt(cal.addWorkingHours(sh('2025-02-05 11:00'), 2)), '2025-02-05 Wed 14:30');
  t.is(fmt(cal.nextWorkingInstant(sh('2025-02-05 08:45'))), '2025-02-05 Wed 09:00');
  t.is(cal.workingDayLength, 6.5 * HOUR);
});

// ---------------------------------------------------------------------------
// Clock hours

test('clock hours run through nights and holidays', (t) => {
  t.is(fmt(calendar.addClockHours(sh('2025-01-27 22:00'), 24)), '2025-01-28 Tue 22:00');
  t.is(fmt(calendar.addClockHours(sh('2025-01-28 23:30'), 0.5)), '2025-01-29 Wed 00:00');
  t.is(fmt(calendar.addClockHours(sh('2025-09-30 20:00'), 2)), '2025-09-30 Tue 22:00');
});

// ---------------------------------------------------------------------------
// Time-zone independence

test('results do not depend on the machine time zone', (t) => {
  const saved = process.env.TZ;
  try {
    for (const zone of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC', 'Asia/Shanghai']) {
      process.env.TZ = zone;
      const cal = new WorkCalendar();
      t.is(cal.addWorkingDays(sh('2025-01-27 10:00'), 1).toISOString(), '2025-02-05T09:30:00.000Z', zone);
      t.is(cal.nextWorkingInstant(sh('2025-01-24 18:00')).toISOString(), '2025-01-26T00:30:00.000Z', zone);
      t.false(cal.isWorkingDay(new Date('2025-01-27T16:30:00Z')), `${zone}: 00:30 on 28 Jan in Shanghai`);
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

// ---------------------------------------------------------------------------
// Properties (2024-2028: official and computed years)

const instant = fc
  .date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => new Date(Math.floor(date.getTime() / 1000) * 1000));

test('property: working time added is the working time between', (t) => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 0, max: 200 * 60 }), (start, minutes) => {
      const end = calendar.addWorkingHours(start, minutes / 60);
      return end.getTime() >= start.getTime() && calendar.workingTimeBetween(start, end) === minutes * 60_000;
    }),
  );
  t.pass();
});

test('property: addWorkingDays ends at the close of the Nth working day', (t) => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 1, max: 20 }), fc.boolean(), (start, n, countStartDay) => {
      const due = calendar.addWorkingDays(start, n, { countStartDay });
      const intervals = calendar.workingIntervals(due);
      if (!calendar.isWorkingDay(due) || intervals.at(-1)?.end.getTime() !== due.getTime()) return false;
      if (due.getTime() <= start.getTime()) return false;
      // Counted start day: its remainder (0, 1] plus n - 1 full days; otherwise the remainder [0, 1] plus n.
      const days = calendar.workingTimeBetween(start, due) / calendar.workingDayLength;
      return countStartDay ? days > n - 1 && days <= n : days >= n && days <= n + 1;
    }),
  );
  t.pass();
});

test('property: nextWorkingInstant is the earliest working instant from t', (t) => {
  fc.assert(
    fc.property(instant, (start) => {
      const next = calendar.nextWorkingInstant(start);
      return (
        next.getTime() >= start.getTime() &&
        calendar.isWithinWorkingHours(next) &&
        calendar.workingTimeBetween(start, next) === 0 &&
        (calendar.isWithinWorkingHours(start) ? next.getTime() === start.getTime() : true)
      );
    }),
  );
  t.pass();
});

test('property: working time between is additive', (t) => {
  fc.assert(
    fc.property(instant, instant, instant, (a, b, c) => {
      return calendar.workingTimeBetween(a, b) + calendar.workingTimeBetween(b, c) === calendar.workingTimeBetween(a, c);
    }),
  );
  t.pass();
});
