import { Schema, model, type Types } from 'mongoose';

/**
 * The timer schedule (issue 4): per ticket and deadline version, the timers
 * that may still have something to do and their delivery instants. It is what
 * the reconcile sweep reads to put the next window of timers into Redis, so a
 * sweep never decodes ticket documents: FerretDB decodes every document a
 * query scans (~2 ms for a 3 KB ticket, ~0.1 ms for one of these).
 *
 * Derived from the ticket, which stays the truth (a firing timer re-reads it):
 * an entry with a timer too many costs one timer that does nothing; a timer
 * missing from its entry would never fire, so entries are written before the
 * ticket change that sets the deadlines (services/deadlines.ts). Only looked
 * up or written by `_id` (FerretDB indexes nothing else); `next` is indexed
 * for MongoDB, where the sweep then reads only the entries of its window.
 */
export interface TimerScheduleRecord {
  /** `<ticketId>:<deadline version>` */
  _id: string;
  ticketId: Types.ObjectId;
  version: number;
  /** Timer keys ('accept.warning' …) still to act on, by instant. */
  keys: string[];
  /** Their delivery instants, same order. */
  at: Date[];
  /** The earliest of `at`. */
  next: Date;
  writtenAt: Date;
}

const timerScheduleSchema = new Schema<TimerScheduleRecord>(
  {
    _id: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    keys: { type: [String], default: [] },
    at: { type: [Date], default: [] },
    next: { type: Date, required: true },
    writtenAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'timer_schedules' },
);
timerScheduleSchema.index({ next: 1 });

export const TimerSchedule = model<TimerScheduleRecord>('TimerSchedule', timerScheduleSchema);

/** One rebuild of the schedule from the tickets (insert-only, `_id` = its start, ISO): when the last ran, and what it repaired. */
export interface TimerScheduleRunRecord {
  _id: string;
  tickets: number;
  written: number;
  ms: number;
}
const timerScheduleRunSchema = new Schema<TimerScheduleRunRecord>(
  { _id: { type: String, required: true }, tickets: Number, written: Number, ms: Number },
  { versionKey: false, collection: 'timer_schedule_runs' },
);
export const TimerScheduleRun = model<TimerScheduleRunRecord>('TimerScheduleRun', timerScheduleRunSchema);
