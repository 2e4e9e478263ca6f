/**
 * Working-day calendar for time limits (pure: no I/O, no clock reads).
 *
 * Every civil-date question ("which day is this instant on", "when does 08:30
 * happen on that day") is answered in Asia/Shanghai through @date-fns/tz, so
 * the result never depends on the machine's time zone. Inputs and outputs are
 * plain JS Date instants.
 *
 * Which days are working days, first match wins:
 *   1. an admin override for the date ('workday' | 'holiday');
 *   2. years published by the State Council and carried by `chinese-days`:
 *      its holidays and make-up working days (调休上班);
 *   3. other years: the statutory holidays computed from the rules of
 *      《全国年节及纪念日放假办法》 (2024 revision) plus their substitute days
 *      off (补假); such years report a warning through `coverage(year)`
 *      because the official arrangement (调休) is unknown until published;
 *   4. Monday to Friday.
 */
import { TZDate, tz } from '@date-fns/tz';
import { addDays, format, startOfDay } from 'date-fns';
import officialData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { Lunar } from 'lunar-typescript';

export const CALENDAR_TIME_ZONE = 'Asia/Shanghai';
const inZone = tz(CALENDAR_TIME_ZONE);

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
/** A walk that finds no working time within this many days means a broken configuration. */
const MAX_SCAN_DAYS = 366 * 20;

export type DayOverride = 'workday' | 'holiday';

/** One working period of a day, local Shanghai time 'HH:mm', end exclusive. */
export interface WorkingPeriod {
  readonly start: string;
  readonly end: string;
}

export interface WorkCalendarConfig {
  /** 'YYYY-MM-DD' → 'workday' | 'holiday'; wins over every other source. */
  readonly overrides?: Readonly<Record<string, DayOverride>>;
  /** Working periods of every working day; defaults to DEFAULT_WORKING_PERIODS. */
  readonly workingPeriods?: readonly WorkingPeriod[];
  /**
   * Years not carried by chinese-days whose official arrangement an admin has
   * entered as overrides and confirmed; they stop reporting a warning.
   */
  readonly confirmedYears?: readonly number[];
}

/** A common government office day (e.g. Guangzhou): 08:30-12:00, 14:00-17:30. */
export const DEFAULT_WORKING_PERIODS: readonly WorkingPeriod[] = Object.freeze([
  { start: '08:30', end: '12:00' },
  { start: '14:00', end: '17:30' },
]);

export type DaySource = 'override' | 'official' | 'computed' | 'weekly';

export interface DayInfo {
  /** Civil date in Asia/Shanghai, 'YYYY-MM-DD'. */
  readonly date: string;
  readonly working: boolean;
  readonly source: DaySource;
  /** Holiday the day belongs to (also for a make-up working day), e.g. '春节'. */
  readonly holiday?: string;
}

export interface YearCoverage {
  readonly year: number;
  /** official: State Council data from chinese-days; admin: confirmed by an admin; computed: rules only. */
  readonly source: 'official' | 'admin' | 'computed';
  readonly warning?: string;
}

export interface StatutoryHoliday {
  readonly date: string;
  readonly name: string;
  /** A substitute day off for a statutory day that fell on a weekend (补假). */
  readonly substitute: boolean;
}

export interface WorkingInterval {
  readonly start: Date;
  readonly end: Date;
}

export interface AddWorkingDaysOptions {
  /** Whether the start day counts as day 1 (Guangzhou: yes). Default false. */
  readonly countStartDay?: boolean;
}

// ---------------------------------------------------------------------------
// Official data (chinese-days)

/** chinese-days values look like "Spring Festival,春节,4": keep the Chinese name. */
function holidayName(raw: string): string {
  return raw.split(',')[1] ?? raw;
}

function toNameMap(entries: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  return new Map(Object.entries(entries).map(([date, raw]) => [date, holidayName(raw)]));
}

const OFFICIAL_HOLIDAYS = toNameMap(officialData.holidays);
const OFFICIAL_WORKDAYS = toNameMap(officialData.workdays);

/** Years for which chinese-days carries the State Council arrangement (2004-2026 in v1.5.7). */
export const OFFICIAL_YEARS: readonly number[] = Object.freeze(
  [...new Set([...OFFICIAL_HOLIDAYS.keys()].map((date) => Number(date.slice(0, 4))))].sort((a, b) => a - b),
);
const OFFICIAL_YEAR_SET = new Set(OFFICIAL_YEARS);

// ---------------------------------------------------------------------------
// Civil-date helpers (all in Asia/Shanghai)

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight, Asia/Shanghai, of the civil day containing the instant. */
function dayOf(instant: Date | number): TZDate {
  return startOfDay(instant, { in: inZone });
}

function nextDay(day: TZDate): TZDate {
  return addDays(day, 1, { in: inZone });
}

function dayKeyOf(instant: Date | number): string {
  return format(instant, 'yyyy-MM-dd', { in: inZone });
}

function parseDayKey(key: string): TZDate {
  const match = DAY_KEY.exec(key);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new TZDate(year, month - 1, day, CALENDAR_TIME_ZONE);
    if (date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day) return date;
  }
  throw new RangeError(`invalid calendar date "${key}", expected an existing date as YYYY-MM-DD`);
}

/** The instant of `minuteOfDay` (minutes after local midnight) on a Shanghai civil day. */
function instantOn(day: TZDate, minuteOfDay: number): number {
  return new TZDate(
    day.getFullYear(),
    day.getMonth(),
    day.getDate(),
    Math.floor(minuteOfDay / 60),
    minuteOfDay % 60,
    CALENDAR_TIME_ZONE,
  ).getTime();
}

function isWeekend(day: TZDate): boolean {
  const weekday = day.getDay();
  return weekday === 0 || weekday === 6;
}

function toInstant(value: Date | number, name: string): number {
  const ms = typeof value === 'number' ? value : value.getTime();
  if (!Number.isFinite(ms)) throw new TypeError(`${name} is not a valid date`);
  return ms;
}

// ---------------------------------------------------------------------------
// Statutory holidays computed from the rules (years chinese-days lacks)

function solarKey(solar: { getYear(): number; getMonth(): number; getDay(): number }): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${solar.getYear()}-${pad(solar.getMonth())}-${pad(solar.getDay())}`;
}

/**
 * The statutory days off of a Gregorian year under the rules in force since
 * 2025 (13 days): 元旦 1, 春节 4 (除夕 to 初三), 清明 1 (solar term day),
 * 劳动节 2 (May 1-2), 端午 1, 中秋 1, 国庆节 3 (Oct 1-3). A statutory day that
 * falls on a weekend (Article 6) or on another statutory day (中秋 on 1-3
 * October, as in 2020) gets a substitute day off (补假) on the first free
 * weekday after it. The State Council's actual schedule adds bridging days
 * and make-up working days, which no rule predicts: treat this as the days
 * that are certainly off, not as the schedule.
 */
export function statutoryHolidays(year: number): readonly StatutoryHoliday[] {
  if (!Number.isInteger(year) || year < 1901 || year > 2099) {
    throw new RangeError(`year ${year} is outside the supported range 1901-2099`);
  }
  const springFestival = Lunar.fromYmd(year, 1, 1).getSolar();
  const days: Array<[string, string]> = [
    [`${year}-01-01`, '元旦'],
    [solarKey(springFestival.next(-1)), '春节'],
    [solarKey(springFestival), '春节'],
    [solarKey(springFestival.next(1)), '春节'],
    [solarKey(springFestival.next(2)), '春节'],
    [solarKey(requiredJieQi(year, '清明')), '清明'],
    [`${year}-05-01`, '劳动节'],
    [`${year}-05-02`, '劳动节'],
    [solarKey(Lunar.fromYmd(year, 5, 5).getSolar()), '端午'],
    [`${year}-10-01`, '国庆节'],
    [`${year}-10-02`, '国庆节'],
    [`${year}-10-03`, '国庆节'],
    // After 国庆节 so that a coinciding 1 October stays 国庆节 and 中秋 gets the substitute.
    [solarKey(Lunar.fromYmd(year, 8, 15).getSolar()), '中秋'],
  ];
  days.sort(([a], [b]) => a.localeCompare(b)); // stable: keeps 国庆节 before 中秋 on the same date

  const result: StatutoryHoliday[] = [];
  const taken = new Set<string>();
  const owed: Array<[string, string]> = [];
  for (const [date, name] of days) {
    if (taken.has(date)) {
      owed.push([date, name]);
      continue;
    }
    taken.add(date);
    result.push({ date, name, substitute: false });
    if (isWeekend(parseDayKey(date))) owed.push([date, name]);
  }
  for (const [date, name] of owed) {
    let candidate = nextDay(parseDayKey(date));
    while (isWeekend(candidate) || taken.has(dayKeyOf(candidate))) candidate = nextDay(candidate);
    const key = dayKeyOf(candidate);
    taken.add(key);
    result.push({ date: key, name, substitute: true });
  }
  return result.sort((a, b) => a.date.localeCompare(b.date));
}

function requiredJieQi(year: number, name: string) {
  // The table of lunar year `year` covers 清明 of Gregorian year `year` (early April).
  const solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()[name];
  if (!solar) throw new Error(`solar term ${name} not found for ${year}`);
  return solar;
}

// ---------------------------------------------------------------------------
// Working periods

interface PeriodMinutes {
  readonly start: number;
  readonly end: number;
}

function parseClock(value: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) {
    throw new RangeError(`invalid working period time "${value}", expected HH:mm`);
  }
  return hours * 60 + minutes;
}

function parsePeriods(periods: readonly WorkingPeriod[]): readonly PeriodMinutes[] {
  if (periods.length === 0) throw new RangeError('at least one working period is required');
  const parsed = periods.map((p) => ({ start: parseClock(p.start), end: parseClock(p.end) }));
  parsed.forEach((period, index) => {
    const previous = parsed[index - 1];
    if (period.end <= period.start) {
      throw new RangeError(`working period ${periods[index]?.start}-${periods[index]?.end} ends before it starts`);
    }
    if (previous && period.start < previous.end) {
      throw new RangeError('working periods must be in order and must not overlap');
    }
  });
  return parsed;
}

// ---------------------------------------------------------------------------

/** Everything the calendar needs about one Shanghai civil day, computed once per calendar. */
interface DayRecord {
  /** Midnight (ms) of this day and of the next one. */
  readonly start: number;
  readonly next: number;
  readonly info: DayInfo;
  /** Working periods as [start, end) instants; empty on a non-working day. */
  readonly intervals: ReadonlyArray<readonly [number, number]>;
  /** End of the last working period; undefined on a non-working day. */
  readonly close: number | undefined;
}

/** Day records kept per calendar (about 27 years); the cache is dropped when full. */
const DAY_CACHE_LIMIT = 10_000;

export class WorkCalendar {
  readonly workingPeriods: readonly WorkingPeriod[];
  private readonly periods: readonly PeriodMinutes[];
  private readonly overrides: ReadonlyMap<string, DayOverride>;
  private readonly confirmedYears: ReadonlySet<number>;
  private readonly computedByYear = new Map<number, ReadonlyMap<string, string>>();
  // Time-zone arithmetic is slow (~10 µs an operation): walks over days reuse these records.
  private readonly days = new Map<number, DayRecord>();
  /** The day record of each UTC hour looked up (days start on whole hours in Asia/Shanghai; checked on use). */
  private readonly dayOfHour = new Map<number, DayRecord>();

  constructor(config: WorkCalendarConfig = {}) {
    this.workingPeriods = Object.freeze([...(config.workingPeriods ?? DEFAULT_WORKING_PERIODS)]);
    this.periods = parsePeriods(this.workingPeriods);
    const overrides = new Map<string, DayOverride>();
    for (const [date, kind] of Object.entries(config.overrides ?? {})) {
      parseDayKey(date);
      if (kind !== 'workday' && kind !== 'holiday') {
        throw new RangeError(`override for ${date} must be 'workday' or 'holiday'`);
      }
      overrides.set(date, kind);
    }
    this.overrides = overrides;
    this.confirmedYears = new Set(config.confirmedYears ?? []);
  }

  /** Where the holidays of a year come from; a warning when an admin must confirm them. */
  coverage(year: number): YearCoverage {
    if (OFFICIAL_YEAR_SET.has(year)) return { year, source: 'official' };
    if (this.confirmedYears.has(year)) return { year, source: 'admin' };
    const first = OFFICIAL_YEARS[0];
    const last = OFFICIAL_YEARS[OFFICIAL_YEARS.length - 1];
    return {
      year,
      source: 'computed',
      warning:
        `${year}年节假日安排不在 chinese-days 数据内（收录 ${first}–${last} 年）：` +
        `已按《全国年节及纪念日放假办法》推算法定节假日及补假，但调休安排和调休上班日未知。` +
        `请管理员核对国务院办公厅公布的${year}年节假日安排并录入。`,
    };
  }

  /** Coverage warnings for every year touched by [from, to]. */
  coverageWarnings(from: Date, to: Date): string[] {
    const first = this.recordAt(toInstant(from, 'from')).info.date.slice(0, 4);
    const last = this.recordAt(toInstant(to, 'to')).info.date.slice(0, 4);
    const warnings: string[] = [];
    for (let year = Math.min(+first, +last); year <= Math.max(+first, +last); year++) {
      const warning = this.coverage(year).warning;
      if (warning) warnings.push(warning);
    }
    return warnings;
  }

  /** The Shanghai civil day of an instant (or a 'YYYY-MM-DD' date) and why it is or is not a working day. */
  describeDay(date: Date | string): DayInfo {
    return this.recordOf(date).info;
  }

  isWorkingDay(date: Date | string): boolean {
    return this.recordOf(date).info.working;
  }

  /** Working periods of the day containing `date` as instants; empty on a non-working day. */
  workingIntervals(date: Date | string): WorkingInterval[] {
    return this.recordOf(date).intervals.map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
  }

  /** Whether the instant lies inside a working period (start inclusive, end exclusive unless includeEnd). */
  isWithinWorkingHours(date: Date, options: { includeEnd?: boolean } = {}): boolean {
    const t = toInstant(date, 'date');
    return this.recordAt(t).intervals.some(
      ([start, end]) => t >= start && (t < end || (options.includeEnd === true && t === end)),
    );
  }

  /** Midnight (Asia/Shanghai) of the first working day strictly after the day of `date`. */
  nextWorkingDay(date: Date): Date {
    let day = this.recordAt(toInstant(date, 'date'));
    for (let i = 0; i < MAX_SCAN_DAYS; i++) {
      day = this.recordFor(day.next);
      if (day.info.working) return new Date(day.start);
    }
    throw new Error('no working day found: check the calendar configuration');
  }

  /** The instant itself when inside working hours, else the start of the next working period. */
  nextWorkingInstant(date: Date): Date {
    const t = toInstant(date, 'date');
    let day = this.recordAt(t);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, day = this.recordFor(day.next)) {
      for (const [start, end] of day.intervals) {
        if (t < end) return new Date(Math.max(start, t));
      }
    }
    throw new Error('no working time found: check the calendar configuration');
  }

  /**
   * The deadline of an N-working-day limit: the end of the working hours (the
   * close of the last period) of the Nth working day.
   * - countStartDay false: day 1 is the first working day after the start day.
   * - countStartDay true: the start day is day 1 if it is a working day and
   *   the start is before its close of business; otherwise, as above, the next
   *   working day is day 1 (a start after closing time must not yield a
   *   deadline earlier than the start).
   */
  addWorkingDays(start: Date, n: number, options: AddWorkingDaysOptions = {}): Date {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a positive integer, got ${n}`);
    const t = toInstant(start, 'start');
    let day = this.recordAt(t);
    let counted = options.countStartDay === true && day.close !== undefined && t < day.close ? 1 : 0;
    for (let i = 0; counted < n; i++) {
      if (i > MAX_SCAN_DAYS) throw new Error('no working day found: check the calendar configuration');
      day = this.recordFor(day.next);
      if (day.info.working) counted++;
    }
    return new Date(day.close ?? day.start);
  }

  /** Adds working time (inside working periods of working days only). */
  addWorkingHours(start: Date, hours: number): Date {
    return this.addWorkingTime(start, Math.round(hours * MS_PER_HOUR));
  }

  /**
   * Adds `ms` of working time. A result landing exactly on the close of a
   * period stays there (12:00, not 14:00): the time is used up at 12:00.
   */
  addWorkingTime(start: Date, ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`working time must be a non-negative number, got ${ms}`);
    const t = toInstant(start, 'start');
    if (ms === 0) return new Date(t);
    let remaining = ms;
    let day = this.recordAt(t);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, day = this.recordFor(day.next)) {
      for (const [periodStart, periodEnd] of day.intervals) {
        const from = Math.max(periodStart, t);
        if (from >= periodEnd) continue;
        if (remaining <= periodEnd - from) return new Date(from + remaining);
        remaining -= periodEnd - from;
      }
    }
    throw new Error('no working time found: check the calendar configuration');
  }

  /** Clock time: runs through nights, weekends and holidays. */
  addClockHours(start: Date, hours: number): Date {
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`hours must be a non-negative number, got ${hours}`);
    return new Date(toInstant(start, 'start') + Math.round(hours * MS_PER_HOUR));
  }

  /** Working milliseconds elapsed from a to b; negative when b is before a. */
  workingTimeBetween(a: Date, b: Date): number {
    const from = toInstant(a, 'a');
    const to = toInstant(b, 'b');
    if (to < from) return -this.workingTimeBetween(b, a);
    let total = 0;
    for (let day = this.recordAt(from); day.start <= to; day = this.recordFor(day.next)) {
      for (const [start, end] of day.intervals) {
        total += Math.max(0, Math.min(end, to) - Math.max(start, from));
      }
    }
    return total;
  }

  /** Working milliseconds of one full working day under the configured periods. */
  get workingDayLength(): number {
    return this.periods.reduce((sum, p) => sum + (p.end - p.start) * MS_PER_MINUTE, 0);
  }

  private recordOf(date: Date | string): DayRecord {
    return typeof date === 'string' ? this.recordFor(parseDayKey(date).getTime()) : this.recordAt(toInstant(date, 'date'));
  }

  /** The record of the day containing instant t. */
  private recordAt(t: number): DayRecord {
    // Time-zone arithmetic is the costly part of a deadline: remember the day of each UTC hour seen.
    const hour = Math.floor(t / 3_600_000);
    const seen = this.dayOfHour.get(hour);
    if (seen && seen.start <= t && t < seen.next) return seen;
    const record = this.recordFor(dayOf(t).getTime());
    if (this.dayOfHour.size >= DAY_CACHE_LIMIT * 24) this.dayOfHour.clear();
    this.dayOfHour.set(hour, record);
    return record;
  }

  /** The record of the day starting at `midnight` (a Shanghai midnight instant). */
  private recordFor(midnight: number): DayRecord {
    const cached = this.days.get(midnight);
    if (cached) return cached;
    const day = new TZDate(midnight, CALENDAR_TIME_ZONE);
    const info = Object.freeze(this.classify(day));
    const intervals = info.working
      ? this.periods.map((p) => [instantOn(day, p.start), instantOn(day, p.end)] as const)
      : [];
    const record: DayRecord = {
      start: midnight,
      next: nextDay(day).getTime(),
      info,
      intervals,
      close: intervals.at(-1)?.[1],
    };
    if (this.days.size >= DAY_CACHE_LIMIT) this.days.clear();
    this.days.set(midnight, record);
    return record;
  }

  private classify(day: TZDate): DayInfo {
    const key = dayKeyOf(day);
    const override = this.overrides.get(key);
    if (override) return { date: key, working: override === 'workday', source: 'override' };

    const year = day.getFullYear();
    if (OFFICIAL_YEAR_SET.has(year)) {
      const madeUp = OFFICIAL_WORKDAYS.get(key);
      if (madeUp) return { date: key, working: true, source: 'official', holiday: madeUp };
      const holiday = OFFICIAL_HOLIDAYS.get(key);
      if (holiday) return { date: key, working: false, source: 'official', holiday };
    } else {
      const holiday = this.computedHolidays(year).get(key);
      if (holiday) return { date: key, working: false, source: 'computed', holiday };
    }
    return { date: key, working: !isWeekend(day), source: 'weekly' };
  }

  private computedHolidays(year: number): ReadonlyMap<string, string> {
    let holidays = this.computedByYear.get(year);
    if (!holidays) {
      holidays = new Map(statutoryHolidays(year).map((h) => [h.date, h.substitute ? `${h.name}（补假）` : h.name]));
      this.computedByYear.set(year, holidays);
    }
    return holidays;
  }
}
