import test from 'ava';
import { changeEventType, eventTypeOf } from '../../server/realtime/bus.ts';

test('every ticket change maps to one console event type, time-limit levels and extension decisions included', (t) => {
  t.is(eventTypeOf('time_limit_warning'), 'warning');
  t.is(eventTypeOf('time_limit_due'), 'overdue');
  t.is(eventTypeOf('time_limit_reminderNotice'), 'escalated');
  t.is(eventTypeOf('time_limit_supervision'), 'escalated');
  t.is(eventTypeOf('extension_approved'), 'extension_decided');
  t.is(eventTypeOf('extension_refused'), 'extension_decided');
  t.is(eventTypeOf('routing_parked'), 'parked');
  t.is(eventTypeOf('deadlines_set'), 'changed');
  t.is(changeEventType([{ type: 'dispatched' }, { type: 'deadlines_set' }]), 'dispatched');
  t.is(changeEventType([{ type: 'deadlines_set' }]), 'changed');
});
