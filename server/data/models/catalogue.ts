import { Schema, model } from 'mongoose';
import { REQUEST_TYPE_KEYS } from '../../domain/ticket.ts';
import type { AreaPolygon, DispatchRule, Place } from '../../domain/routing/route.ts';

/**
 * The dispatch catalogue (派单目录) as admins edit it: rules, the gazetteer of
 * place names and the area polygons. The routing worker reads them on every
 * change (see services/catalogue.ts), so an edit applies to the next ticket.
 */
const dispatchRuleSchema = new Schema<DispatchRule & { _id: string; updatedBy?: string }>(
  {
    _id: { type: String, required: true },
    id: { type: String, required: true },
    name: { type: String, required: true },
    priority: { type: Number, default: 50, min: 0, max: 100 },
    categoryPrefixes: { type: [String], default: undefined },
    keywords: { type: [String], default: undefined },
    excludeKeywords: { type: [String], default: undefined },
    types: { type: [String], enum: REQUEST_TYPE_KEYS, default: undefined },
    areaPrefixes: { type: [String], default: undefined },
    target: { type: Schema.Types.Mixed, required: true },
    coUnitIds: { type: [String], default: undefined },
    active: { type: Boolean, default: true },
    updatedBy: String,
  },
  { timestamps: true, versionKey: false },
);
dispatchRuleSchema.index({ active: 1 });
export const DispatchRuleModel = model('DispatchRule', dispatchRuleSchema);

const placeSchema = new Schema<Place & { _id: string }>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    aliases: { type: [String], default: undefined },
    kind: { type: String, enum: ['district', 'street', 'community', 'road', 'landmark'], required: true },
    unitId: { type: String, required: true },
  },
  { timestamps: true, versionKey: false },
);
placeSchema.index({ unitId: 1 });
export const PlaceModel = model('Place', placeSchema);

/**
 * Area polygons. The GeoJSON geometry is stored as JSON text: FerretDB 1.24
 * refuses nested arrays ("nested arrays are not supported"), and polygon
 * coordinates are arrays of arrays. Point-in-polygon runs in the application.
 */
export interface StoredArea {
  _id: string;
  unitId: string;
  geometry: string;
}
export const toStoredArea = (id: string, a: AreaPolygon): StoredArea => ({ _id: id, unitId: a.unitId, geometry: JSON.stringify(a.geometry) });
export const fromStoredArea = (a: StoredArea): AreaPolygon => ({ unitId: a.unitId, geometry: JSON.parse(a.geometry) as AreaPolygon['geometry'] });

const areaSchema = new Schema<StoredArea>(
  {
    _id: { type: String, required: true },
    unitId: { type: String, required: true },
    geometry: { type: String, required: true },
  },
  { timestamps: true, versionKey: false },
);
export const AreaModel = model('Area', areaSchema);

/**
 * Revisions the services re-check cheaply, one small document each, read by
 * _id: `catalogue` (a fresh random revision per edit of rules, places, areas
 * or units: services/catalogue.ts) and `classifier` (the id of the classifier
 * model in use: services/classifier.ts).
 */
const metaSchema = new Schema({ _id: String, revision: String, at: Date }, { versionKey: false });
export const CatalogueMeta = model('CatalogueMeta', metaSchema);

/** Trained category classifiers: the one CatalogueMeta `classifier` names is used (the newest three are kept). */
const classifierSchema = new Schema(
  {
    trainedAt: { type: Date, required: true },
    records: { type: Number, required: true },
    report: { type: Schema.Types.Mixed },
    model: { type: String, required: true },
    active: { type: Boolean, default: true },
  },
  { versionKey: false },
);
classifierSchema.index({ trainedAt: -1 });
export const ClassifierModel = model('ClassifierModel', classifierSchema);
