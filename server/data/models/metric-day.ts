import { Schema, model } from 'mongoose';
import type { Tally } from '../../domain/metrics.ts';

/**
 * The on-time tallies of one finished day (Asia/Shanghai), per lead unit:
 * deadlines that fell on that day and how many were met (domain/metrics.ts
 * tallyByDay). A finished day never changes, so it is written once, with
 * `_id` = the day: insert-only, a second writer gets a duplicate key and
 * keeps the first. Nothing is ever $inc-ed (FerretDB updates are not
 * isolated) and reading a day is an `_id` lookup (the only indexed lookup on
 * FerretDB). Today is always computed live from the tickets.
 */
export interface MetricDayRecord {
  _id: string; // YYYY-MM-DD
  units: (Tally & { unitId: string })[];
  computedAt: Date;
}

const metricDaySchema = new Schema<MetricDayRecord>(
  {
    _id: { type: String, required: true },
    units: { type: Schema.Types.Mixed, default: [] },
    computedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'metric_days' },
);

export const MetricDay = model<MetricDayRecord>('MetricDay', metricDaySchema);
