import { Schema, model } from 'mongoose';
import { REQUEST_TYPE_KEYS, URGENCY_KEYS } from '../../domain/ticket.ts';

/**
 * Time-limit policy: category/type × urgency → limits for accept, contact and
 * resolve, with statutory and committed values. Filled in by the time-limits
 * work; the shape is fixed here so tickets can reference a policy version.
 */
const limitSchema = new Schema(
  {
    unit: { type: String, enum: ['clockHours', 'workingHours', 'workingDays'], required: true },
    amount: { type: Number, required: true, min: 0 },
  },
  { _id: false },
);

const policySchema = new Schema(
  {
    type: { type: String, enum: [...REQUEST_TYPE_KEYS, '*'], required: true },
    urgency: { type: String, enum: [...URGENCY_KEYS, 'complex'], required: true },
    categoryCode: { type: String, default: '*' },
    committed: { accept: limitSchema, contact: limitSchema, resolve: limitSchema },
    statutory: { accept: limitSchema, contact: limitSchema, resolve: limitSchema },
    warnAt: { type: Number, default: 0.75, min: 0.1, max: 0.99 },
    version: { type: Number, default: 1 },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, versionKey: false },
);
policySchema.index({ type: 1, urgency: 1, categoryCode: 1 }, { unique: true });

export const TimeLimitPolicy = model('TimeLimitPolicy', policySchema);
