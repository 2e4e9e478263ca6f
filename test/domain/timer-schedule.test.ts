import test from 'ava';
import { TZDate } from '@date-fns/tz';
import { CALENDAR_TIME_ZONE, WorkCalendar } from '../../server/domain/calendar.ts';
import {
  CLOCK_CAN_RUN,
  decideTimer,
  deadlinesForDispatch,
  DEFAULT_POLICY_TABLE,
  remainingTimers,
  scheduledTimers,
  scheduleFields,
  TIMED_STATUSES,
  timerFiredChange,
  timerScheduleId,
  unionOfTimers,
  withinHorizon,
  type StoredDeadlines,
  type TimerTicket,
} from '../../server/domain/deadlines.ts';
import { COMMAND_FROM } from '../../server/domain/workflow.ts';
import { STATUS_KEYS } from '../../server/domain/ticket.ts';

function sh(y: number, mo: number, d: number, h: number, mi = 0): Date {
  return new Date(new TZDate(y, mo - 1, d, h, mi, CALENDAR_TIME_ZONE).getTime());
}
const calendar = new WorkCalendar();
const dispatched = (): StoredDeadlines => deadlinesForDispatch({ type: 'complaint', urgency: 'normal' }, 'st-a1', DEFAULT_POLICY_TABLE, sh(2025, 9, 29, 10), calendar);
const ticket = (d: StoredDeadlines, over: Partial<TimerTicket> = {}): TimerTicket => ({ status: 'dispatched', deadlines: d, history: [], ...over });
const keys = (xs: readonly { key: string }[]) => xs.map((x) => x.key).sort();

test('the schedule keeps every timer not fired and whose milestone no recorded event met', (t) => {
  const d = dispatched();
  t.is(scheduledTimers(ticket(d)).length, 8);
  const fired = timerFiredChange(d, d.timers.find((x) => x.key === 'accept.warning')!, sh(2025, 9, 29, 11)).set.deadlines;
  t.false(keys(scheduledTimers(ticket(fired))).includes('accept.warning'));
  t.is(scheduledTimers(ticket(fired)).length, 7);
  // Accepted: the accept timers are done for good (the event stays in the history).
  const accepted = ticket(d, { status: 'accepted', history: [{ type: 'accepted', at: sh(2025, 9, 29, 10, 30) }] });
  t.deepEqual(keys(scheduledTimers(accepted)).filter((k) => k.startsWith('accept.')), []);
  // An event from before this clock started does not count.
  t.is(remainingTimers(d, [{ type: 'accepted', at: sh(2025, 9, 28, 10) }]).length, 8);
});

test('the schedule of a version ends when its clock cannot run again under it; a return asked keeps it', (t) => {
  const d = dispatched();
  for (const status of ['closed', 'merged', 'manual', 'arbitration', 'callback'] as const) t.deepEqual(scheduledTimers(ticket(d, { status })), [], status);
  t.is(scheduledTimers(ticket(d, { status: 'return_requested' })).length, 8, 'a refused return resumes the clock');
  t.deepEqual(scheduledTimers({ status: 'dispatched', history: [] }), [], 'no deadlines, nothing to time');
});

test('a reply meets the contact milestone for good: a rejected review sends the ticket back without chasing the contact', (t) => {
  const d = dispatched();
  const history = [{ type: 'accepted', at: sh(2025, 9, 29, 10, 30) }, { type: 'replied', at: sh(2025, 9, 29, 15) }];
  const backToUnit = ticket(d, { status: 'accepted', history });
  t.deepEqual(decideTimer(backToUnit, 1, 'contact', 'due'), { kind: 'skip', reason: 'met' });
  t.deepEqual(decideTimer(backToUnit, 1, 'resolve', 'due'), { kind: 'skip', reason: 'met' });
  t.deepEqual(scheduledTimers(ticket(d, { status: 'replied', history })), [], 'nothing left once replied');
});

test('every way back into a running clock either starts a new deadline version or comes from a status whose schedule is kept', (t) => {
  // Reviewed against the timer schedule: these commands start a new clock (dispatch, 改派, 裁决, 重办 on an unsatisfied callback)
  // or never lead to a running clock (并单). Any other command leaving a status outside CLOCK_CAN_RUN would strand timers.
  const startsClockOrStops = new Set(['dispatch', 'redispatch', 'arbitrate', 'callback', 'merge']);
  const outside = STATUS_KEYS.filter((s) => !CLOCK_CAN_RUN.includes(s));
  for (const [kind, from] of Object.entries(COMMAND_FROM)) {
    if (from.some((s) => outside.includes(s))) t.true(startsClockOrStops.has(kind), `${kind} from ${from.join('/')} must be reviewed against CLOCK_CAN_RUN`);
  }
  t.true(TIMED_STATUSES.every((s) => CLOCK_CAN_RUN.includes(s)));
});

test('stored form: timers by instant in parallel arrays with the earliest as next; the horizon picks what Redis holds', (t) => {
  const d = dispatched();
  const fields = scheduleFields([...d.timers].reverse())!;
  t.deepEqual(fields.at.map((x) => x.getTime()), [...fields.at.map((x) => x.getTime())].sort((a, b) => a - b));
  t.is(fields.next.getTime(), fields.at[0]!.getTime());
  t.is(fields.keys.length, 8);
  t.is(scheduleFields([]), null);
  t.is(timerScheduleId('665f1c2a9b1e8a0012345678', 2), '665f1c2a9b1e8a0012345678:2');
  const first = d.timers[0]!.fireAt.getTime();
  t.deepEqual(withinHorizon(d.timers, first - 1), []);
  t.deepEqual(keys(withinHorizon(d.timers, first)), keys(d.timers.filter((x) => x.fireAt.getTime() === first)));
  t.is(withinHorizon(d.timers, Infinity).length, 8);
});

test('competing schedules for one deadline version keep every timer at its earlier instant', (t) => {
  const at = (h: number) => new Date(Date.UTC(2026, 10, 23, h));
  const mine = [
    { key: 'accept.warning', fireAt: at(2) },
    { key: 'resolve.due', fireAt: at(9) },
  ];
  const theirs = [
    { key: 'resolve.due', fireAt: at(7) },
    { key: 'contact.due', fireAt: at(5) },
  ];
  const union = unionOfTimers(theirs, mine);
  t.deepEqual(
    union.map((x) => [x.key, x.fireAt.getUTCHours()]).sort(),
    [['accept.warning', 2], ['contact.due', 5], ['resolve.due', 7]],
  );
  t.deepEqual(unionOfTimers([], mine), mine);
});
