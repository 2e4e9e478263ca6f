import { Schema, model } from 'mongoose';

/** Atomic sequences, e.g. `ticket:2026-11-22` → last ticket number of that day. */
const counterSchema = new Schema(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { versionKey: false },
);
export const Counter = model('Counter', counterSchema);
