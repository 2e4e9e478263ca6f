import { loadModel, train, type CategoryClassifier, type DictionaryEntry } from '../domain/classify/classifier.ts';
import { Category, ClassifierModel, Ticket } from '../data/models/index.ts';
import { logger } from '../logger.ts';

/**
 * The category classifier (智能分类), trained on the center's own closed
 * tickets and its category dictionary. The newest trained model is used; the
 * worker retrains on demand and on a schedule.
 */
let cached: { id: string; model: CategoryClassifier } | null = null;
/** A retrained model is picked up within this time (the check reads model documents of ~1 MB each on FerretDB). */
const RECHECK_MS = 30_000;
let checkedAt = 0;

let checking: Promise<CategoryClassifier | null> | null = null;

export function currentClassifier(): Promise<CategoryClassifier | null> {
  if (cached && Date.now() - checkedAt < RECHECK_MS) return Promise.resolve(cached.model);
  // Concurrent routing jobs share one check (it sorts model documents of ~1 MB each).
  checking ??= checkClassifier().finally(() => (checking = null));
  return checking;
}

async function checkClassifier(): Promise<CategoryClassifier | null> {
  const latest = await ClassifierModel.findOne({ active: true }, { _id: 1 }).sort({ trainedAt: -1 }).lean();
  checkedAt = Date.now();
  if (!latest) return null;
  const id = latest._id.toHexString();
  if (cached?.id === id) return cached.model;
  const doc = await ClassifierModel.findById(latest._id).lean();
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
  await ClassifierModel.create({ trainedAt: new Date(), records: records.length, report: model.report, model: JSON.stringify(model.toJSON()) });
  logger.info({ records: records.length, report: model.report }, 'classifier retrained');
  return { records: records.length, report: model.report };
}
