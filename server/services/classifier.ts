import { Types } from 'mongoose';
import { loadModel, train, type CategoryClassifier, type DictionaryEntry } from '../domain/classify/classifier.ts';
import { CatalogueMeta, Category, ClassifierModel, Ticket } from '../data/models/index.ts';
import { logger } from '../logger.ts';

/**
 * The category classifier (智能分类), trained on the center's own closed
 * tickets and its category dictionary. The model of the latest retrain is
 * used; the worker retrains on demand and every night.
 *
 * Which model is in use is one small document read by _id (CatalogueMeta
 * `classifier`, written by each retrain): finding the newest among
 * the models meant reading them all on FerretDB (~1 MB each, no index), every
 * 30 s in every process, and a nightly retrain added one a day. Only the
 * newest few models are kept.
 */
const META_ID = 'classifier';
/** Models kept after a retrain (the one in use and a few before it, for comparison). */
const KEPT_MODELS = 3;

let cached: { id: string; model: CategoryClassifier } | null = null;
/** A retrained model is picked up within this time. */
const RECHECK_MS = 30_000;
let checkedAt = 0;

let checking: Promise<CategoryClassifier | null> | null = null;

export function currentClassifier(): Promise<CategoryClassifier | null> {
  if (cached && Date.now() - checkedAt < RECHECK_MS) return Promise.resolve(cached.model);
  // Concurrent routing jobs share one check.
  checking ??= checkClassifier().finally(() => (checking = null));
  return checking;
}

/** The id of the model in use: as CatalogueMeta names it, or for models trained before that the newest active one. */
export async function currentClassifierId(): Promise<Types.ObjectId | null> {
  const meta = await CatalogueMeta.findById(META_ID).lean();
  if (meta?.revision) return new Types.ObjectId(meta.revision);
  const latest = await ClassifierModel.findOne({ active: true }, { _id: 1 }).sort({ trainedAt: -1 }).lean();
  return latest?._id ?? null;
}

async function checkClassifier(): Promise<CategoryClassifier | null> {
  const latest = await currentClassifierId();
  checkedAt = Date.now();
  if (!latest) return null;
  const id = latest.toHexString();
  if (cached?.id === id) return cached.model;
  const doc = await ClassifierModel.findById(latest).lean();
  if (!doc) return null;
  cached = { id, model: loadModel(doc.model) };
  return cached.model;
}

/** Train on up to `limit` newest closed tickets with a category; keeps a held-back report. */
export async function retrainClassifier(limit = 50_000): Promise<{ records: number; report: unknown } | null> {
  const rows = await Ticket.find(
    { status: 'closed', 'category.code': { $exists: true } },
    { title: 1, content: 1, category: 1 },
  )
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean();
  const records = rows.filter((r) => r.category?.code).map((r) => ({ text: r.content, title: r.title ?? '', label: r.category!.code }));
  const labels = new Set(records.map((r) => r.label));
  if (records.length < 20 || labels.size < 2) {
    logger.info({ records: records.length }, 'classifier: not enough labelled history to train');
    return null;
  }
  const categories = await Category.find({ active: true, level: 3 }, { path: 1, keywords: 1 }).lean();
  const dictionary: DictionaryEntry[] = categories.map((c) => ({ label: c._id, text: [...c.path, ...(c.keywords ?? [])].join(' ') }));
  const model = train(records, { dictionary });
  const created = await ClassifierModel.create({ trainedAt: new Date(), records: records.length, report: model.report, model: JSON.stringify(model.toJSON()) });
  await CatalogueMeta.updateOne({ _id: META_ID }, { $set: { revision: created._id.toHexString(), at: new Date() } }, { upsert: true });
  // Older models go once the new one is named in use (a crash in between leaves them for the next retrain).
  const kept = await ClassifierModel.find({}, { _id: 1 }).sort({ trainedAt: -1 }).limit(KEPT_MODELS).lean();
  await ClassifierModel.deleteMany({ _id: { $nin: kept.map((k) => k._id) } });
  // The per-class figures stay in the stored report (GET /admin/classifier): one line per class was a wall of log.
  const { heldOut, ...summary } = model.report;
  logger.info({ ...summary, heldOut: heldOut && { accuracy: heldOut.accuracy, macroF1: heldOut.macroF1, n: heldOut.n } }, 'classifier retrained');
  return { records: records.length, report: model.report };
}
