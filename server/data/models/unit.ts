import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * 承办单位: a tree of the hotline center, city departments, districts and
 * streets/towns. Each unit has a chief representative (首席代表) and an A/B
 * post of handlers so work never waits on one person.
 */
export const UNIT_KINDS = {
  center: '热线中心',
  department: '市直部门',
  district: '区县',
  street: '街道/乡镇',
  supervision: '督查机构',
  enterprise: '公共企事业单位',
} as const;
export type UnitKind = keyof typeof UNIT_KINDS;

const unitSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    shortName: { type: String },
    /** Other names citizens use for the unit (住建局, 住建部门); routing matches them in complaints. */
    aliases: { type: [String], default: undefined },
    kind: { type: String, required: true, enum: Object.keys(UNIT_KINDS) },
    parentId: { type: String, default: null },
    /** Ancestor ids, root first; kept in step with parentId. */
    ancestors: { type: [String], default: [] },
    areaCode: { type: String },
    chief: { name: String, phone: String },
    handlerA: { type: Schema.Types.ObjectId, default: null },
    handlerB: { type: Schema.Types.ObjectId, default: null },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, versionKey: false },
);
unitSchema.index({ parentId: 1, name: 1 });
unitSchema.index({ kind: 1 });

export type UnitDoc = InferSchemaType<typeof unitSchema> & { _id: string };
export const Unit = model('Unit', unitSchema);
