import { Schema, model } from 'mongoose';

/** Who viewed or exported caller identity (domain.md §6: reveals are logged). */
const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true, enum: ['view_caller', 'export'] },
    userId: { type: String, required: true },
    userName: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId },
    ticketNumber: { type: String },
    requestId: { type: String },
  },
  { versionKey: false },
);
auditSchema.index({ ticketId: 1, at: -1 });
auditSchema.index({ userId: 1, at: -1 });
export const Audit = model('Audit', auditSchema);
