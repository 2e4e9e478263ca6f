/**
 * Category-from-text classifier ("智能分类"): suggests the category of a web
 * message from its text, with top-k suggestions and a confidence in 0..1;
 * low-confidence messages go to a human dispatcher.
 *
 * Model: Complement Naive Bayes (Rennie et al. 2003, "Tackling the poor
 * assumptions of naive Bayes text classifiers") over TF-IDF weighted,
 * L2-normalised jieba words + CJK character bigrams (see segment.ts).
 * CNB is the standard strong baseline for small, unbalanced text collections;
 * on the TipDM hotline data it beat multinomial NB, a linear SVM and softmax
 * regression on the same features (see scripts/eval/classify.ts).
 *
 * Optionally, the center's category dictionary (e.g. "城乡建设 物业管理 电梯故障")
 * is added as weighted pseudo-documents: the words of sub-category names are
 * strong evidence for rarely seen kinds of request.
 *
 * Training (`train`):
 *   1. a stratified part of the history (`holdout`, default 20 %) is held back;
 *   2. the smoothing `alpha` and the dictionary weight are chosen by
 *      stratified k-fold cross-validation on the rest (macro-F1);
 *   3. a temperature for the confidence (softmax over score margins) is fitted
 *      on the out-of-fold scores of that cross-validation, and the confidence
 *      threshold for automatic dispatch is derived from the same scores;
 *   4. the model is fitted on the rest and measured on the held-back part
 *      (the report), then refitted on all records.
 *
 * Pure: no I/O; deterministic for a given `seed`. Serialisable with
 * `model.toJSON()` / `loadModel(json)` (the model returned by `train` is
 * itself built from that JSON form, so a round trip predicts identically).
 */
import { segment } from './segment.ts';

// ---------------------------------------------------------------- types

/** One labelled ticket of the history (closed tickets). */
export interface TrainingRecord {
  /** Request text (body). */
  text: string;
  /** Category (e.g. level-1 category name or code). */
  label: string;
  /** Optional subject line (web message 留言主题); weighted by `titleWeight`. */
  title?: string;
  /** Sample weight, default 1. */
  weight?: number;
}

/** An entry of the category dictionary, e.g. {label: '城乡建设', text: '物业管理 电梯故障'}. */
export interface DictionaryEntry {
  label: string;
  text: string;
}

export interface TrainOptions {
  /** Add CJK character bigrams to the jieba words. Default true. */
  bigrams?: boolean;
  /** How many times the title counts relative to the body. Default 2. */
  titleWeight?: number;
  /** Drop features seen in fewer (weighted) documents. Default 2. */
  minDf?: number;
  /** Smoothing; a list is searched by cross-validation. Default [0.03, 0.1, 0.3, 1]. */
  alpha?: number | readonly number[];
  /** Category dictionary entries used as pseudo-documents (only labels present in `records`). */
  dictionary?: readonly DictionaryEntry[];
  /** Weight of each dictionary entry; a list is searched. Default [1, 2, 4]. */
  dictionaryWeight?: number | readonly number[];
  /** Fraction of the records held back to measure the model (stratified, rounded to 1/n). Default 0.2; 0 = none. */
  holdout?: number;
  /** Folds of the cross-validation used for tuning and calibration. Default 3. */
  tuneFolds?: number;
  /**
   * Target accuracy of automatically dispatched suggestions: `autoThreshold`
   * is the lowest top-1 confidence at which the out-of-fold predictions
   * reach it. Default 0.9.
   */
  targetPrecision?: number;
  /** Seed of the stratified splits. Default 1. */
  seed?: number;
}

/** Text to classify: plain text, or text with a subject line. */
export type ClassifyInput = string | { text: string; title?: string };

export interface Prediction {
  label: string;
  /** Calibrated-ish probability in 0..1; the confidences of all labels sum to 1. */
  confidence: number;
}

export interface Suggestion {
  suggestions: Prediction[];
  /** True when the top confidence is below the model's `autoThreshold`, or the text has no word the model knows. */
  needsHuman: boolean;
}

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  accuracy: number;
  macroF1: number;
  perClass: Record<string, ClassMetrics>;
  /** confusion[gold][predicted] = count */
  confusion: Record<string, Record<string, number>>;
  n: number;
}

export interface TrainingReport {
  /** Records given (without dictionary entries). */
  records: number;
  labels: number;
  /** Measured on the held-back part (model fitted without it); null when nothing was held back. */
  heldOut: (Pick<Metrics, 'accuracy' | 'macroF1' | 'n'> & { perClass: Record<string, ClassMetrics> }) | null;
  /** Cross-validated macro-F1 of the chosen settings on the training part (null when not run). */
  tuningMacroF1: number | null;
  alpha: number;
  dictionaryWeight: number;
  dictionaryEntries: number;
  features: number;
}

export interface SerializedModel {
  format: 'hotline12345/category-classifier';
  version: 1;
  labels: string[];
  settings: { bigrams: boolean; titleWeight: number; alpha: number };
  /** Feature strings; index i is feature i. */
  features: string[];
  /** Inverse document frequency per feature. */
  idf: number[];
  /** Per label: sparse TF-IDF mass per feature, as parallel index/value arrays. */
  classMass: { index: number[]; value: number[] }[];
  /** Softmax inverse temperature applied to score margins. */
  beta: number;
  autoThreshold: number;
  report: TrainingReport;
}

export interface CategoryClassifier {
  readonly labels: readonly string[];
  readonly report: TrainingReport;
  /** Minimum top-1 confidence for automatic dispatch (below: human dispatcher). */
  readonly autoThreshold: number;
  /** Top-k labels by confidence, best first (ties by label order). */
  predict(input: ClassifyInput, k?: number): Prediction[];
  /** Top-k suggestions and whether a human dispatcher should decide. */
  suggest(input: ClassifyInput, k?: number): Suggestion;
  toJSON(): SerializedModel;
}

// ------------------------------------------------------------ utilities

const DEFAULTS = {
  bigrams: true,
  titleWeight: 2,
  minDf: 2,
  alpha: [0.03, 0.1, 0.3, 1] as readonly number[],
  dictionaryWeight: [1, 2, 4] as readonly number[],
  holdout: 0.2,
  tuneFolds: 3,
  targetPrecision: 0.9,
  seed: 1,
} as const;

/** Fallback settings when there is too little data to cross-validate. */
const FALLBACK_ALPHA = 0.1;
const FALLBACK_DICTIONARY_WEIGHT = 2;
const FALLBACK_BETA = 20;

/** mulberry32: small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Stratified fold assignment: fold[i] in 0..k-1 for each label, so every
 * fold gets a near-equal share of every label. Deterministic for a seed.
 */
export function stratifiedFolds(labels: readonly string[], k: number, seed = 1): number[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('k must be an integer >= 2');
  const random = rng(seed);
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = byLabel.get(label);
    if (list) list.push(i);
    else byLabel.set(label, [i]);
  });
  const fold = new Array<number>(labels.length).fill(0);
  let offset = 0;
  for (const label of [...byLabel.keys()].sort()) {
    const idx = byLabel.get(label)!;
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    // Continue the round-robin where the previous label stopped, so small
    // labels do not all land in fold 0.
    idx.forEach((doc, n) => (fold[doc] = (n + offset) % k));
    offset += idx.length;
  }
  return fold;
}

function round(x: number, digits = 6): number {
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}

/** Accuracy, macro-F1, per-class precision/recall/F1 and confusion of predictions. */
export function metrics(gold: readonly string[], predicted: readonly string[]): Metrics {
  if (gold.length !== predicted.length) throw new RangeError('gold and predicted differ in length');
  const labels = [...new Set(gold)].sort();
  const confusion: Record<string, Record<string, number>> = {};
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i]!;
    if (p === g) correct++;
    const row = (confusion[g] ??= {});
    row[p] = (row[p] ?? 0) + 1;
  });
  const perClass: Record<string, ClassMetrics> = {};
  let f1Sum = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((g, i) => {
      const p = predicted[i];
      if (g === label && p === label) tp++;
      else if (p === label) fp++;
      else if (g === label) fn++;
    });
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    const f1 = tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
    perClass[label] = { precision, recall, f1, support: tp + fn };
    f1Sum += f1;
  }
  return {
    accuracy: gold.length ? correct / gold.length : 0,
    macroF1: labels.length ? f1Sum / labels.length : 0,
    perClass,
    confusion,
    n: gold.length,
  };
}

function list(value: number | readonly number[] | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  const values = typeof value === 'number' ? [value] : [...value];
  if (values.length === 0 || values.some((v) => !(Number.isFinite(v) && v > 0))) {
    throw new RangeError('alpha and dictionaryWeight must be positive numbers');
  }
  return values;
}

// ------------------------------------------------------- preparation

/** A tokenised document: feature counts, label, weight, dictionary flag. */
interface Doc {
  counts: Map<string, number>;
  label: string;
  weight: number;
  dictionary: boolean;
}

function tokenCounts(input: ClassifyInput, bigrams: boolean, titleWeight: number): Map<string, number> {
  const text = typeof input === 'string' ? input : input.text;
  const title = typeof input === 'string' ? undefined : input.title;
  const counts = new Map<string, number>();
  for (const token of segment(text, { bigrams })) counts.set(token, (counts.get(token) ?? 0) + 1);
  if (title) {
    for (const token of segment(title, { bigrams })) counts.set(token, (counts.get(token) ?? 0) + titleWeight);
  }
  return counts;
}

interface Prepared {
  docs: Doc[];
  dictionary: Doc[];
  bigrams: boolean;
  titleWeight: number;
}

function prepare(records: readonly TrainingRecord[], options: TrainOptions): Prepared {
  const bigrams = options.bigrams ?? DEFAULTS.bigrams;
  const titleWeight = options.titleWeight ?? DEFAULTS.titleWeight;
  const docs = records.map((r): Doc => {
    if (typeof r.label !== 'string' || r.label.trim() === '') throw new TypeError('every record needs a label');
    const weight = r.weight ?? 1;
    if (!(Number.isFinite(weight) && weight > 0)) throw new RangeError('record weight must be positive');
    const input = r.title === undefined ? r.text : { text: r.text, title: r.title };
    return { counts: tokenCounts(input, bigrams, titleWeight), label: r.label.trim(), weight, dictionary: false };
  });
  const known = new Set(docs.map((d) => d.label));
  const dictionary = (options.dictionary ?? [])
    .filter((e) => known.has(e.label.trim()))
    .map((e): Doc => ({ counts: tokenCounts(e.text, bigrams, 1), label: e.label.trim(), weight: 1, dictionary: true }))
    .filter((d) => d.counts.size > 0);
  return { docs, dictionary, bigrams, titleWeight };
}

// ------------------------------------------------------------- fitting

interface FitParams {
  alpha: number;
  dictionaryWeight: number;
  minDf: number;
}

/** A fitted CNB core: enough to score documents and to serialise. */
interface Core {
  labels: string[];
  features: string[];
  index: Map<string, number>;
  idf: Float64Array;
  /** Per label: TF-IDF mass per feature (dense). */
  mass: Float64Array[];
  alpha: number;
  /** Per label: CNB weights per feature. */
  weights: Float64Array[];
}

function fit(docs: readonly Doc[], dictionary: readonly Doc[], p: FitParams): Core {
  const all = [...docs, ...dictionary];
  const weightOf = (d: Doc): number => d.weight * (d.dictionary ? p.dictionaryWeight : 1);
  const labels = [...new Set(docs.map((d) => d.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));

  // Weighted document frequencies → vocabulary (minDf) and smoothed IDF.
  const df = new Map<string, number>();
  let n = 0;
  for (const d of all) {
    const w = weightOf(d);
    n += w;
    for (const token of d.counts.keys()) df.set(token, (df.get(token) ?? 0) + w);
  }
  const features: string[] = [];
  const idfValues: number[] = [];
  for (const [token, count] of df) {
    if (count + 1e-9 < p.minDf) continue;
    features.push(token);
    idfValues.push(Math.log((1 + n) / (1 + count)) + 1);
  }
  const index = new Map(features.map((f, i) => [f, i]));
  const idf = Float64Array.from(idfValues);

  const mass = labels.map(() => new Float64Array(features.length));
  for (const d of all) {
    const c = labelIndex.get(d.label);
    if (c === undefined) continue;
    const row = mass[c]!;
    const w = weightOf(d);
    for (const [i, v] of tfidf(d.counts, index, idf)) row[i]! += w * v;
  }
  return build(labels, features, index, idf, mass, p.alpha);
}

/** CNB weights: w[c][t] = -log((N_~c,t + α) / (N_~c + α·V)), mass of all labels but c. */
function build(
  labels: string[],
  features: string[],
  index: Map<string, number>,
  idf: Float64Array,
  mass: Float64Array[],
  alpha: number,
): Core {
  const v = features.length;
  const total = new Float64Array(v);
  let grand = 0;
  for (const row of mass) {
    for (let t = 0; t < v; t++) total[t]! += row[t]!;
  }
  for (let t = 0; t < v; t++) grand += total[t]!;
  const weights = mass.map((row) => {
    let classTotal = 0;
    for (let t = 0; t < v; t++) classTotal += row[t]!;
    const denominator = grand - classTotal + alpha * v;
    const w = new Float64Array(v);
    for (let t = 0; t < v; t++) w[t] = -Math.log((total[t]! - row[t]! + alpha) / denominator);
    return w;
  });
  return { labels, features, index, idf, mass, alpha, weights };
}

/** L2-normalised TF-IDF entries [featureIndex, value] of a document (unknown tokens dropped). */
function tfidf(counts: Map<string, number>, index: Map<string, number>, idf: Float64Array): [number, number][] {
  const entries: [number, number][] = [];
  let norm = 0;
  for (const [token, count] of counts) {
    const i = index.get(token);
    if (i === undefined) continue;
    const value = count * idf[i]!;
    entries.push([i, value]);
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const e of entries) e[1] /= norm;
  return entries;
}

function scores(core: Core, counts: Map<string, number>): number[] {
  return scoreVector(core, tfidf(counts, core.index, core.idf));
}

function scoreVector(core: Core, x: readonly [number, number][]): number[] {
  return core.weights.map((w) => {
    let s = 0;
    for (const [i, v] of x) s += v * w[i]!;
    return s;
  });
}

/** Softmax of beta·(s - max s): probabilities that sum to 1. */
function softmax(raw: readonly number[], beta: number): number[] {
  const max = Math.max(...raw);
  const e = raw.map((s) => Math.exp(beta * (s - max)));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

// --------------------------------------------- tuning and calibration

interface OutOfFold {
  gold: string[];
  predicted: string[];
  /** Raw scores and gold label index, for calibration (where the fold model knew the gold label). */
  calibration: { raw: number[]; gold: number }[];
}

function crossValidate(docs: readonly Doc[], dictionary: readonly Doc[], p: FitParams, k: number, seed: number): OutOfFold {
  const fold = stratifiedFolds(
    docs.map((d) => d.label),
    k,
    seed,
  );
  const result: OutOfFold = { gold: [], predicted: [], calibration: [] };
  for (let q = 0; q < k; q++) {
    const train = docs.filter((_, i) => fold[i] !== q);
    const test = docs.filter((_, i) => fold[i] === q);
    if (train.length === 0 || test.length === 0) continue;
    const core = fit(train, dictionary, p);
    for (const d of test) {
      const raw = scores(core, d.counts);
      result.gold.push(d.label);
      result.predicted.push(core.labels[argmax(raw)]!);
      const gold = core.labels.indexOf(d.label);
      if (gold >= 0) result.calibration.push({ raw, gold });
    }
  }
  return result;
}

/** Inverse temperature minimising the negative log-likelihood (golden-section search on log beta). */
function fitBeta(samples: readonly { raw: number[]; gold: number }[]): number {
  if (samples.length === 0) return FALLBACK_BETA;
  const nll = (logBeta: number): number => {
    const beta = Math.exp(logBeta);
    let total = 0;
    for (const { raw, gold } of samples) {
      const max = Math.max(...raw);
      let sum = 0;
      for (const s of raw) sum += Math.exp(beta * (s - max));
      total += Math.log(sum) - beta * (raw[gold]! - max);
    }
    return total / samples.length;
  };
  let lo = Math.log(1e-2);
  let hi = Math.log(1e4);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nll(a);
  let fb = nll(b);
  for (let it = 0; it < 60; it++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nll(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * Lowest top-1 confidence t such that out-of-fold predictions with
 * confidence >= t are correct at least `target` of the time (over every
 * such t, the one covering most messages). 1 when no threshold reaches it.
 */
function chooseThreshold(samples: readonly { raw: number[]; gold: number }[], beta: number, target: number): number {
  const points = samples
    .map(({ raw, gold }) => {
      const p = softmax(raw, beta);
      const top = argmax(p);
      return { confidence: p[top]!, correct: top === gold };
    })
    .sort((x, y) => y.confidence - x.confidence);
  let correct = 0;
  let threshold = 1;
  points.forEach((pt, i) => {
    if (pt.correct) correct++;
    const next = points[i + 1];
    // Only cut between distinct confidences.
    if (next && next.confidence === pt.confidence) return;
    if (correct / (i + 1) >= target) threshold = pt.confidence;
  });
  return round(threshold, 4);
}

// ------------------------------------------------------------ the model

function serialize(core: Core, settings: { bigrams: boolean; titleWeight: number }, beta: number, autoThreshold: number, report: TrainingReport): SerializedModel {
  return {
    format: 'hotline12345/category-classifier',
    version: 1,
    labels: core.labels,
    settings: { bigrams: settings.bigrams, titleWeight: settings.titleWeight, alpha: core.alpha },
    features: core.features,
    idf: Array.from(core.idf, (x) => round(x)),
    classMass: core.mass.map((row) => {
      const index: number[] = [];
      const value: number[] = [];
      row.forEach((x, i) => {
        if (x !== 0) {
          index.push(i);
          value.push(round(x));
        }
      });
      return { index, value };
    }),
    beta: round(beta),
    autoThreshold,
    report,
  };
}

/** Rebuild a classifier from `model.toJSON()` output (or its JSON text). */
export function loadModel(json: SerializedModel | string): CategoryClassifier {
  const data: SerializedModel = typeof json === 'string' ? (JSON.parse(json) as SerializedModel) : json;
  return instantiate(data).classifier;
}

function instantiate(data: SerializedModel): { classifier: CategoryClassifier; core: Core } {
  if (data?.format !== 'hotline12345/category-classifier' || data.version !== 1) {
    throw new TypeError('not a category classifier model (format/version mismatch)');
  }
  const v = data.features.length;
  if (data.idf.length !== v || data.classMass.length !== data.labels.length) throw new TypeError('corrupt classifier model');
  const mass = data.classMass.map(({ index, value }) => {
    const row = new Float64Array(v);
    index.forEach((i, n) => {
      if (!(i >= 0 && i < v)) throw new TypeError('corrupt classifier model');
      row[i] = value[n] ?? 0;
    });
    return row;
  });
  const index = new Map(data.features.map((f, i) => [f, i]));
  const core = build([...data.labels], [...data.features], index, Float64Array.from(data.idf), mass, data.settings.alpha);
  const { bigrams, titleWeight } = data.settings;
  const beta = data.beta;
  const labels = Object.freeze([...data.labels]);

  /** Ranked predictions and whether the text had any feature known to the model. */
  const rank = (input: ClassifyInput, k: number): { predictions: Prediction[]; known: boolean } => {
    if (labels.length === 0 || !(k >= 1)) return { predictions: [], known: false };
    const x = tfidf(tokenCounts(input, bigrams, titleWeight), core.index, core.idf);
    const p = softmax(scoreVector(core, x), beta);
    const predictions = labels
      .map((label, i) => ({ label, confidence: p[i]! }))
      .sort((a, b) => b.confidence - a.confidence || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
      .slice(0, Math.floor(k));
    return { predictions, known: x.length > 0 };
  };
  const classifier: CategoryClassifier = {
    labels,
    report: data.report,
    autoThreshold: data.autoThreshold,
    predict: (input, k = 3) => rank(input, k).predictions,
    suggest(input, k = 3) {
      const { predictions, known } = rank(input, Math.max(1, k));
      const top = predictions[0];
      // No known word at all (empty, foreign or nonsense text): always a human.
      return { suggestions: predictions, needsHuman: !known || !top || top.confidence < data.autoThreshold };
    },
    toJSON: () => data,
  };
  return { classifier, core };
}

/**
 * Train on labelled history. Throws on an empty history. See the module
 * comment for the procedure; `report` tells the held-back accuracy.
 */
export function train(records: readonly TrainingRecord[], options: TrainOptions = {}): CategoryClassifier {
  if (records.length === 0) throw new RangeError('cannot train on an empty history');
  const prepared = prepare(records, options);
  return instantiate(trainPrepared(prepared, options, records.length)).classifier;
}

function trainPrepared(prepared: Prepared, options: TrainOptions, recordCount: number): SerializedModel {
  const { docs, dictionary } = prepared;
  const minDf = options.minDf ?? DEFAULTS.minDf;
  const seed = options.seed ?? DEFAULTS.seed;
  const k = options.tuneFolds ?? DEFAULTS.tuneFolds;
  const holdout = options.holdout ?? DEFAULTS.holdout;
  const target = options.targetPrecision ?? DEFAULTS.targetPrecision;
  if (!(holdout >= 0 && holdout < 1)) throw new RangeError('holdout must be in [0, 1)');
  const alphas = list(options.alpha, DEFAULTS.alpha);
  const dictWeights = dictionary.length ? list(options.dictionaryWeight, DEFAULTS.dictionaryWeight) : [FALLBACK_DICTIONARY_WEIGHT];

  // 1. Hold back a stratified part for the report (every label keeps >= 1 training doc).
  let trainDocs: Doc[] = [...docs];
  let heldDocs: Doc[] = [];
  if (holdout > 0) {
    const folds = Math.max(2, Math.round(1 / holdout));
    const fold = stratifiedFolds(
      docs.map((d) => d.label),
      folds,
      seed + 7919,
    );
    const held = docs.map((_, i) => fold[i] === 0);
    const kept = new Set(docs.filter((_, i) => !held[i]).map((d) => d.label));
    docs.forEach((d, i) => {
      if (held[i] && !kept.has(d.label)) {
        held[i] = false; // a label with a single record stays in training
        kept.add(d.label);
      }
    });
    trainDocs = docs.filter((_, i) => !held[i]);
    heldDocs = docs.filter((_, i) => held[i]);
  }

  // 2. Choose alpha and dictionary weight by k-fold CV on the training part.
  const labelCount = new Set(trainDocs.map((d) => d.label)).size;
  const canTune = labelCount >= 2 && trainDocs.length >= 2 * k;
  let params: FitParams = {
    alpha: alphas.includes(FALLBACK_ALPHA) ? FALLBACK_ALPHA : alphas[0]!,
    dictionaryWeight: dictWeights.includes(FALLBACK_DICTIONARY_WEIGHT) ? FALLBACK_DICTIONARY_WEIGHT : dictWeights[0]!,
    minDf,
  };
  let tuningMacroF1: number | null = null;
  let calibration: OutOfFold['calibration'] = [];
  if (canTune) {
    for (const dictionaryWeight of dictWeights) {
      for (const alpha of alphas) {
        const candidate = { alpha, dictionaryWeight, minDf };
        const oof = crossValidate(trainDocs, dictionary, candidate, k, seed);
        const score = metrics(oof.gold, oof.predicted).macroF1;
        if (tuningMacroF1 === null || score > tuningMacroF1 + 1e-12) {
          tuningMacroF1 = score;
          params = candidate;
          calibration = oof.calibration;
        }
      }
    }
  }

  // 3. Calibrate the confidence and the automatic-dispatch threshold.
  const beta = fitBeta(calibration);
  const autoThreshold = calibration.length ? chooseThreshold(calibration, beta, target) : 1;

  // 4. Measure on the held-back part, then refit on everything.
  let heldOut: TrainingReport['heldOut'] = null;
  if (heldDocs.length > 0) {
    const core = fit(trainDocs, dictionary, params);
    const predicted = heldDocs.map((d) => core.labels[argmax(scores(core, d.counts))]!);
    const m = metrics(
      heldDocs.map((d) => d.label),
      predicted,
    );
    heldOut = { accuracy: m.accuracy, macroF1: m.macroF1, n: m.n, perClass: m.perClass };
  }
  const core = fit(docs, dictionary, params);
  const report: TrainingReport = {
    records: recordCount,
    labels: core.labels.length,
    heldOut,
    tuningMacroF1,
    alpha: params.alpha,
    dictionaryWeight: dictionary.length ? params.dictionaryWeight : 0,
    dictionaryEntries: dictionary.length,
    features: core.features.length,
  };
  return serialize(core, prepared, beta, autoThreshold, report);
}

// ------------------------------------------------------------ evaluation

export interface EvaluationResult extends Metrics {
  folds: number;
  /**
   * The confidence of the held-out predictions: how many messages each
   * fold's model would dispatch automatically (top confidence >= its
   * `autoThreshold`, at least one known word), how often those were right,
   * and the expected calibration error (10 equal-width confidence bins).
   */
  confidence: {
    autoDispatched: number;
    autoAccuracy: number;
    meanTopConfidence: number;
    expectedCalibrationError: number;
  };
}

/**
 * Stratified k-fold cross-validation of the whole training procedure
 * (including its own tuning, which sees only each fold's training part):
 * every record is predicted by a model that never saw it.
 */
export function evaluate(records: readonly TrainingRecord[], folds = 5, options: TrainOptions = {}): EvaluationResult {
  if (records.length < folds) throw new RangeError('need at least as many records as folds');
  const prepared = prepare(records, options);
  const fold = stratifiedFolds(
    prepared.docs.map((d) => d.label),
    folds,
    options.seed ?? DEFAULTS.seed,
  );
  const predicted = new Array<string>(records.length).fill('');
  const outcomes: { confidence: number; correct: boolean; auto: boolean }[] = [];
  for (let q = 0; q < folds; q++) {
    const trainIdx = prepared.docs.map((_, i) => i).filter((i) => fold[i] !== q);
    const testIdx = prepared.docs.map((_, i) => i).filter((i) => fold[i] === q);
    if (testIdx.length === 0) continue;
    const trainDocs = trainIdx.map((i) => prepared.docs[i]!);
    const data = trainPrepared({ ...prepared, docs: trainDocs }, { ...options, holdout: 0 }, trainDocs.length);
    const { core } = instantiate(data);
    for (const i of testIdx) {
      const doc = prepared.docs[i]!;
      const x = tfidf(doc.counts, core.index, core.idf);
      const p = softmax(scoreVector(core, x), data.beta);
      const top = argmax(p);
      predicted[i] = core.labels[top]!;
      const confidence = p[top]!;
      outcomes.push({ confidence, correct: predicted[i] === doc.label, auto: x.length > 0 && confidence >= data.autoThreshold });
    }
  }
  const m = metrics(
    prepared.docs.map((d) => d.label),
    predicted,
  );
  const auto = outcomes.filter((o) => o.auto);
  let ece = 0;
  for (let b = 0; b < 10; b++) {
    const bin = outcomes.filter((o) => Math.min(9, Math.floor(o.confidence * 10)) === b);
    if (bin.length === 0) continue;
    const gap = bin.reduce((s, o) => s + o.confidence - (o.correct ? 1 : 0), 0) / bin.length;
    ece += (bin.length / outcomes.length) * Math.abs(gap);
  }
  const n = outcomes.length || 1;
  return {
    ...m,
    folds,
    confidence: {
      autoDispatched: auto.length / n,
      autoAccuracy: auto.length ? auto.filter((o) => o.correct).length / auto.length : 0,
      meanTopConfidence: outcomes.reduce((s, o) => s + o.confidence, 0) / n,
      expectedCalibrationError: ece,
    },
  };
}
