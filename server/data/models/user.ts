import { Schema, model, type InferSchemaType } from 'mongoose';
import { ROLE_KEYS } from '../../domain/ticket.ts';

const userSchema = new Schema(
  {
    username: { type: String, required: true },
    displayName: { type: String, required: true },
    role: { type: String, required: true, enum: ROLE_KEYS },
    unitId: { type: String, required: true },
    /** argon2id hash; never leaves the data layer. */
    passwordHash: { type: String, required: true, select: false },
    phone: { type: String },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, versionKey: false },
);
userSchema.index({ username: 1 }, { unique: true });
userSchema.index({ unitId: 1, role: 1 });

export type UserDoc = InferSchemaType<typeof userSchema>;
export const User = model('User', userSchema);
