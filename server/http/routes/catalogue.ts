import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps, AppState } from '../context.ts';
import { authenticate, requireRole, viewerOf } from '../middleware.ts';
import { parseInput } from '../validate.ts';
import { REQUEST_TYPE_KEYS } from '../../domain/ticket.ts';
import { route } from '../../domain/routing/route.ts';
import { UNIT_KINDS } from '../../data/models/unit.ts';
import { AreaModel, ClassifierModel, DispatchRuleModel, PlaceModel, Unit, toStoredArea } from '../../data/models/index.ts';
import { loadCatalogue, touchCatalogue } from '../../services/catalogue.ts';
import { activeCategoryPath } from '../../services/categories.ts';
import { currentClassifier, currentClassifierId } from '../../services/classifier.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';

/**
 * The dispatch catalogue (派单目录) for admins — rules, units, gazetteer and
 * area polygons — and the category/unit suggestion operators see at intake.
 * Every edit stamps a new catalogue revision, so the routing worker applies it
 * to the next ticket without a restart.
 */
const text = (max: number) => z.string().trim().min(1, '不能为空 (required)').max(max, `最多 ${max} 字 (too long)`);
const id = z.string().regex(/^[\w-]{1,64}$/, '只能包含字母、数字、- 和 _ (letters, digits, - or _)');
const words = z.array(text(30)).max(100);

const ruleSchema = z.strictObject({
  name: text(100),
  priority: z.number().int().min(0).max(100).default(50),
  categoryPrefixes: z.array(z.string().regex(/^\d{2,8}$/, '分类代码为数字 (category code digits)')).max(50).optional(),
  keywords: words.optional(),
  excludeKeywords: words.optional(),
  types: z.array(z.enum(REQUEST_TYPE_KEYS)).max(10).optional(),
  areaPrefixes: z.array(z.string().regex(/^\d{2,12}$/, '区划代码为数字 (area code digits)')).max(50).optional(),
  target: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('unit'), unitId: id }),
    z.strictObject({ kind: z.literal('territorial'), level: z.enum(['street', 'district']) }),
  ]),
  coUnitIds: z.array(id).max(10).optional(),
  active: z.boolean().default(true),
});

const unitSchema = z.strictObject({
  name: text(100),
  shortName: text(40).optional(),
  aliases: words.optional(),
  kind: z.enum(Object.keys(UNIT_KINDS) as [keyof typeof UNIT_KINDS, ...(keyof typeof UNIT_KINDS)[]]),
  parentId: id.nullable().default(null),
  areaCode: z.string().regex(/^\d{6,12}$/, '区划代码为 6-12 位数字 (6-12 digits)').optional(),
  chief: z.strictObject({ name: text(40), phone: text(20) }).optional(),
  active: z.boolean().default(true),
});

const placeSchema = z.strictObject({
  name: text(60),
  aliases: words.optional(),
  kind: z.enum(['district', 'street', 'community', 'road', 'landmark']),
  unitId: id,
});

const ring = z.array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])).min(4, '多边形至少 4 个点（首尾相同）');
const areaSchema = z.strictObject({
  unitId: id,
  geometry: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
    z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
  ]),
});

const suggestSchema = z.strictObject({
  title: text(100).optional(),
  content: text(5000),
  type: z.enum(REQUEST_TYPE_KEYS).default('help'),
  categoryCode: text(64).optional(),
  address: text(200).optional(),
  areaCode: text(32).optional(),
});

async function assertUnitsExist(ids: string[], field: string): Promise<void> {
  if (!ids.length) return;
  const found = new Set((await Unit.find({ _id: { $in: ids } }, { _id: 1 }).lean()).map((u) => u._id));
  const missing = ids.map((u, i) => ({ u, i })).filter(({ u }) => !found.has(u));
  if (missing.length) throw new ValidationError(missing.map(({ u, i }) => ({ field: ids.length > 1 || field.endsWith('s') ? `${field}.${i}` : field, problem: `单位 ${u} 不存在 (unknown unit)` })));
}

export function catalogueRoutes(deps: AppDeps): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api/v1' });
  r.use(authenticate(deps));
  const admin = requireRole(['admin']);

  // Operators: category and unit suggestion from the text being typed.
  r.post('/suggest', requireRole(['operator', 'dispatcher', 'admin']), async (ctx) => {
    const input = parseInput(suggestSchema, ctx.request.body);
    const [classifier, catalogue] = await Promise.all([currentClassifier(), loadCatalogue()]);
    const guesses = classifier ? classifier.predict({ text: input.content, ...(input.title ? { title: input.title } : {}) }, 3) : [];
    const paths = await Promise.all(guesses.map((g) => activeCategoryPath(g.label)));
    const decision = route(
      {
        content: input.content,
        type: input.type,
        ...(input.title ? { title: input.title } : {}),
        ...(input.categoryCode ? { categoryCode: input.categoryCode } : { categoryGuesses: guesses.map((g) => ({ code: g.label, confidence: g.confidence })) }),
        ...(input.address ? { address: input.address } : {}),
        ...(input.areaCode ? { areaCode: input.areaCode } : {}),
      },
      catalogue,
    );
    ctx.body = {
      categories: guesses.map((g, i) => ({ code: g.label, path: paths[i] ?? [], confidence: Math.round(g.confidence * 1000) / 1000 })),
      unit: decision.lead,
      coUnits: decision.coUnits,
      confidence: decision.confidence,
      autoDispatch: decision.decision === 'dispatch',
      explanation: decision.explanation,
    };
  });

  // The category classifier: its latest held-back report, and retraining on demand.
  r.get('/admin/classifier', admin, async (ctx) => {
    const id = await currentClassifierId();
    const latest = id ? await ClassifierModel.findById(id, { model: 0 }).lean() : null;
    ctx.body = { classifier: latest ?? null };
  });
  r.post('/admin/classifier/retrain', admin, async (ctx) => {
    const job = await deps.maintenanceQueue.add('retrain-classifier', {}, { removeOnComplete: 30, removeOnFail: 30 });
    ctx.status = 202;
    ctx.body = { queued: true, jobId: job.id };
  });

  // Rules.
  r.get('/admin/rules', admin, async (ctx) => {
    ctx.body = { items: await DispatchRuleModel.find({}).sort({ priority: -1, _id: 1 }).lean() };
  });
  r.put('/admin/rules/:id', admin, async (ctx) => {
    const ruleId = parseInput(id, ctx.params.id, 'id');
    const body = parseInput(ruleSchema, ctx.request.body);
    if (body.target.kind === 'unit') await assertUnitsExist([body.target.unitId], 'target.unitId');
    await assertUnitsExist(body.coUnitIds ?? [], 'coUnitIds');
    if (!body.categoryPrefixes?.length && !body.keywords?.length) {
      throw new ValidationError([{ field: 'categoryPrefixes', problem: '至少需要分类或关键词之一 (a rule needs categories or keywords)' }]);
    }
    const doc = { ...body, id: ruleId, updatedBy: viewerOf(ctx).id };
    await DispatchRuleModel.replaceOne({ _id: ruleId }, doc, { upsert: true });
    await touchCatalogue();
    ctx.body = { rule: { _id: ruleId, ...doc } };
  });
  r.delete('/admin/rules/:id', admin, async (ctx) => {
    const res = await DispatchRuleModel.deleteOne({ _id: parseInput(id, ctx.params.id, 'id') });
    if (!res.deletedCount) throw new NotFoundError('派单规则');
    await touchCatalogue();
    ctx.status = 204;
  });

  // Units: the tree keeps `ancestors` in step with `parentId`; a unit cannot become its own ancestor.
  r.put('/admin/units/:id', admin, async (ctx) => {
    const unitId = parseInput(id, ctx.params.id, 'id');
    const body = parseInput(unitSchema, ctx.request.body);
    let ancestors: string[] = [];
    if (body.parentId) {
      const parent = await Unit.findById(body.parentId, { ancestors: 1 }).lean();
      if (!parent) throw new ValidationError([{ field: 'parentId', problem: `上级单位 ${body.parentId} 不存在 (unknown parent)` }]);
      ancestors = [...parent.ancestors, parent._id];
      if (ancestors.includes(unitId)) throw new ValidationError([{ field: 'parentId', problem: '上级单位不能是本单位或其下级 (cycle)' }]);
    }
    const existing = await Unit.findById(unitId, { ancestors: 1, parentId: 1 }).lean();
    if (existing && (existing.parentId ?? null) !== body.parentId) {
      // Moving a unit with sub-units would leave their ancestors (and ticket scopes) stale.
      if (await Unit.exists({ parentId: unitId })) {
        throw new ConflictError('unit_has_children', '该单位有下级单位，不能直接调整上级 (move its sub-units first)');
      }
    }
    await Unit.updateOne({ _id: unitId }, { $set: { ...body, ancestors } }, { upsert: true });
    await touchCatalogue();
    ctx.body = { unit: await Unit.findById(unitId, { handlerA: 0, handlerB: 0 }).lean() };
  });

  // Gazetteer and areas.
  r.get('/admin/places', admin, async (ctx) => {
    ctx.body = { items: await PlaceModel.find({}).sort({ unitId: 1, name: 1 }).lean() };
  });
  r.put('/admin/places/:id', admin, async (ctx) => {
    const placeId = parseInput(id, ctx.params.id, 'id');
    const body = parseInput(placeSchema, ctx.request.body);
    await assertUnitsExist([body.unitId], 'unitId');
    await PlaceModel.replaceOne({ _id: placeId }, body, { upsert: true });
    await touchCatalogue();
    ctx.body = { place: { _id: placeId, ...body } };
  });
  r.delete('/admin/places/:id', admin, async (ctx) => {
    const res = await PlaceModel.deleteOne({ _id: parseInput(id, ctx.params.id, 'id') });
    if (!res.deletedCount) throw new NotFoundError('地名');
    await touchCatalogue();
    ctx.status = 204;
  });
  r.put('/admin/areas/:id', admin, async (ctx) => {
    const areaId = parseInput(id, ctx.params.id, 'id');
    const body = parseInput(areaSchema, ctx.request.body);
    await assertUnitsExist([body.unitId], 'unitId');
    const rings = body.geometry.type === 'Polygon' ? body.geometry.coordinates : body.geometry.coordinates.flat();
    rings.forEach((ring, i) => {
      const [a, b] = [ring[0]!, ring.at(-1)!];
      if (a[0] !== b[0] || a[1] !== b[1]) throw new ValidationError([{ field: `geometry.coordinates.${i}`, problem: '多边形首尾坐标必须相同 (ring must be closed)' }]);
    });
    await AreaModel.replaceOne({ _id: areaId }, toStoredArea(areaId, body), { upsert: true });
    await touchCatalogue();
    ctx.body = { area: { _id: areaId, ...body } };
  });

  return r;
}
