/**
 * Evaluation of the category classifier ("智能分类") on real citizen messages:
 * the TipDM 2020 labelled messages (400 messages, 7 level-1 categories),
 * read from ../shared (never copied into the project: the data has no licence).
 *
 * Stratified 5-fold cross-validation with a fixed seed; each fold's model
 * tunes its own settings on its own training part only (nested), so the
 * test folds never influence a model that predicts them.
 *
 *   tsx scripts/eval/classify.ts [--folds 5] [--seed 1] [--repeats 1]
 *
 * Prints accuracy, macro-F1 and per-class F1; writes bench-results/classify.json.
 * The file is UTF-8 without BOM, RFC 4180 quoting, CRLF record ends and LF
 * line breaks inside quoted fields; no CSV package is installed, so a small
 * RFC 4180 parser is included below.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import {
  evaluate,
  train,
  type DictionaryEntry,
  type EvaluationResult,
  type TrainingRecord,
} from '../../server/domain/classify/classifier.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = resolve(projectRoot, '..', 'shared', 'data', 'tipdm-2020');

function readTable(file: string, required: string[]): Record<string, string>[] {
  const [header, ...body] = parse(readFileSync(file, 'utf8'), { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  if (!header) throw new Error(`${file}: empty`);
  const columns = required.map((name) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`${file}: no column ${name} (have ${header.join(',')})`);
    return at;
  });
  return body.map((cells, line) => {
    if (cells.length !== header.length) throw new Error(`${file}: record ${line + 2} has ${cells.length} fields, expected ${header.length}`);
    return Object.fromEntries(required.map((name, n) => [name, cells[columns[n]!]!]));
  });
}

const { values: args } = parseArgs({
  options: {
    folds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '1' },
  },
});
const folds = Number(args.folds);
const seed = Number(args.seed);
const repeats = Number(args.repeats);

const records: TrainingRecord[] = readTable(resolve(dataDir, 'labelled-messages.csv'), ['留言主题', '留言详情', '一级分类']).map((r) => ({
  title: r['留言主题']!,
  text: r['留言详情']!,
  label: r['一级分类']!.trim(),
}));
// The board's category dictionary (level 1 > level 2 > level 3); train() keeps
// only the entries whose level-1 label occurs in the history.
const dictionary: DictionaryEntry[] = readTable(resolve(dataDir, 'taxonomy.csv'), ['一级分类', '二级分类', '三级分类']).map((r) => ({
  label: r['一级分类']!.trim(),
  text: `${r['二级分类']} ${r['三级分类']}`,
}));

const counts = new Map<string, number>();
for (const r of records) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
console.log(`TipDM 2020 labelled messages: ${records.length} records, ${counts.size} classes`);
console.log([...counts].map(([l, n]) => `  ${l} ${n}`).join('\n'));
console.log(`dictionary: ${dictionary.length} taxonomy rows; ${folds}-fold stratified CV, seed ${seed}${repeats > 1 ? `, ${repeats} repeats` : ''}\n`);

const pct = (x: number): string => (100 * x).toFixed(1).padStart(5);

function run(name: string, options: Parameters<typeof evaluate>[2]): { result: EvaluationResult; ms: number; repeats: { seed: number; accuracy: number; macroF1: number }[] } {
  const started = performance.now();
  const result = evaluate(records, folds, { ...options, seed });
  const extra: { seed: number; accuracy: number; macroF1: number }[] = [{ seed, accuracy: result.accuracy, macroF1: result.macroF1 }];
  for (let r = 1; r < repeats; r++) {
    const again = evaluate(records, folds, { ...options, seed: seed + r });
    extra.push({ seed: seed + r, accuracy: again.accuracy, macroF1: again.macroF1 });
  }
  const ms = Math.round(performance.now() - started);
  const mean = (key: 'accuracy' | 'macroF1'): number => extra.reduce((a, e) => a + e[key], 0) / extra.length;
  console.log(`${name}: accuracy ${pct(result.accuracy)}%  macro-F1 ${result.macroF1.toFixed(3)}${repeats > 1 ? `  (mean over ${repeats} splits: accuracy ${pct(mean('accuracy'))}%, macro-F1 ${mean('macroF1').toFixed(3)})` : ''}  [${ms} ms]`);
  return { result, ms, repeats: extra };
}

const main = run('CNB, words+bigrams, title×2, with category dictionary', { dictionary });
for (const [label, m] of Object.entries(main.result.perClass)) {
  console.log(`  ${label.padEnd(8, '　')} F1 ${m.f1.toFixed(3)}  P ${m.precision.toFixed(3)}  R ${m.recall.toFixed(3)}  n=${m.support}`);
}
const c = main.result.confidence;
console.log(
  `  confidence: mean top ${c.meanTopConfidence.toFixed(3)}, expected calibration error ${c.expectedCalibrationError.toFixed(3)}; ` +
    `auto-dispatched ${pct(c.autoDispatched)}% of messages at ${pct(c.autoAccuracy)}% accuracy, the rest to a human dispatcher`,
);
const labels = Object.keys(main.result.perClass);
console.log('\nconfusion (rows gold, columns predicted):');
console.log(`${' '.repeat(10)}${labels.map((_, i) => String(i + 1).padStart(4)).join('')}`);
labels.forEach((gold, i) => {
  console.log(`${String(i + 1).padStart(2)} ${gold.slice(0, 4).padEnd(4, '　')}${labels.map((p) => String(main.result.confusion[gold]?.[p] ?? 0).padStart(4)).join('')}`);
});
console.log('');
const noDictionary = run('ablation: without the category dictionary', {});
const noBigrams = run('ablation: jieba words only (no bigrams), with dictionary', { dictionary, bigrams: false });

// A production-style training run: held-back report, size and speed of the model.
const started = performance.now();
const model = train(records, { dictionary, seed });
const trainMs = Math.round(performance.now() - started);
const json = JSON.stringify(model.toJSON());
const report = model.report;
console.log(
  `\ntrain() on all ${records.length}: ${trainMs} ms, model ${(json.length / 1024).toFixed(0)} KiB, ${report.features} features, alpha ${report.alpha}, dictionary weight ${report.dictionaryWeight}; ` +
    `held-back ${report.heldOut?.n ?? 0}: accuracy ${pct(report.heldOut?.accuracy ?? 0)}%, macro-F1 ${(report.heldOut?.macroF1 ?? 0).toFixed(3)}; auto-dispatch threshold ${model.autoThreshold}`,
);

const outDir = resolve(projectRoot, 'bench-results');
mkdirSync(outDir, { recursive: true });
const out = {
  task: 'category classification, level 1 (TipDM 2020 labelled messages)',
  method: 'complement naive Bayes over TF-IDF of jieba words + CJK bigrams, title weighted x2, category dictionary pseudo-documents; alpha and dictionary weight tuned by inner 3-fold CV',
  records: records.length,
  classes: counts.size,
  folds,
  seed,
  accuracy: main.result.accuracy,
  macroF1: main.result.macroF1,
  perClass: main.result.perClass,
  confusion: main.result.confusion,
  confidence: main.result.confidence,
  repeats: main.repeats,
  evalMs: main.ms,
  ablations: {
    withoutDictionary: { accuracy: noDictionary.result.accuracy, macroF1: noDictionary.result.macroF1 },
    withoutBigrams: { accuracy: noBigrams.result.accuracy, macroF1: noBigrams.result.macroF1 },
  },
  training: { ms: trainMs, modelBytes: json.length, autoThreshold: model.autoThreshold, report },
};
writeFileSync(resolve(outDir, 'classify.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nwrote ${resolve(outDir, 'classify.json')}`);
