import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * The subject dictionary (e.g. 城乡建设 > 物业管理 > 电梯故障), edited by admins.
 * Codes are stable; `path` holds the names from the top for display and search.
 */
const categorySchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    parentId: { type: String, default: null },
    level: { type: Number, required: true, min: 1, max: 4 },
    path: { type: [String], required: true },
    /** Pinyin initials and keywords so an operator finds "电梯" by typing dt. */
    keywords: { type: [String], default: [] },
    order: { type: Number, default: 0 },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, versionKey: false },
);
categorySchema.index({ parentId: 1, order: 1 });
categorySchema.index({ level: 1, active: 1 });

export type CategoryDoc = InferSchemaType<typeof categorySchema> & { _id: string };
export const Category = model('Category', categorySchema);
