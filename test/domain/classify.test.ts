import test from 'ava';
import fc from 'fast-check';
import { normalizeText, segment } from '../../server/domain/classify/segment.ts';
import {
  evaluate,
  loadModel,
  metrics,
  stratifiedFolds,
  train,
  type TrainingRecord,
} from '../../server/domain/classify/classifier.ts';

// Small synthetic history written for these tests: three categories with
// clearly different vocabulary.
const TRAFFIC = [
  '公交车经常晚点，等车要一个小时',
  '路口红绿灯坏了，车辆拥堵严重',
  '出租车司机拒载还乱收费',
  '这条道路坑洼不平，车辆通行困难',
  '公交线路调整后乘客出行不便',
  '高速路收费站排队拥堵',
  '建议增加公交车班次缓解拥堵',
  '出租车不打表，乘客被多收车费',
  '红绿灯时间太短，车辆和行人通行困难',
  '道路施工导致交通拥堵，公交车绕行',
];
const ENVIRONMENT = [
  '工厂晚上排放废气，气味刺鼻',
  '河道被污水污染，鱼都死了',
  '饭店油烟直排，污染空气',
  '工地夜间施工噪音扰民',
  '化工厂偷排污水，河水发黑',
  '垃圾焚烧冒黑烟，空气污染严重',
  '广场舞音响噪音太大扰民',
  '养猪场污水直排河道，臭气熏天',
  '工厂废气排放超标，居民呼吸困难',
  '烧烤摊油烟和噪音扰民',
];
const EDUCATION = [
  '学校违规收取补课费',
  '孩子上幼儿园报名难，学位不够',
  '老师在校外有偿补课',
  '学校食堂饭菜质量差，学生吃不饱',
  '小学入学划片不合理，孩子上学远',
  '民办幼儿园乱收费，家长负担重',
  '中学强制学生购买教辅资料',
  '教师工资拖欠，老师意见很大',
  '学生课业负担太重，作业太多',
  '幼儿园老师体罚孩子',
];

function records(): TrainingRecord[] {
  return [
    ...TRAFFIC.map((text) => ({ text, label: '交通运输' })),
    ...ENVIRONMENT.map((text) => ({ text, label: '环境保护' })),
    ...EDUCATION.map((text) => ({ text, label: '教育文体' })),
  ];
}

const model = train(records(), { seed: 3 });

// ------------------------------------------------------------ segmentation

test('segment: jieba words without punctuation, stop words or numbers', (t) => {
  const tokens = segment('我们小区的路灯坏了3个月了，请尽快维修！');
  t.true(tokens.includes('小区'));
  t.true(tokens.includes('路灯'));
  t.true(tokens.includes('维修'));
  for (const dropped of ['的', '了', '我们', '，', '！', '3', '请']) t.false(tokens.includes(dropped), dropped);
});

test('segment: bigrams are optional and prefixed so they never collide with words', (t) => {
  const words = segment('路灯不亮');
  const both = segment('路灯不亮', { bigrams: true });
  t.false(words.some((w) => w.startsWith('~')));
  t.deepEqual(both.filter((w) => w.startsWith('~')), ['~路灯', '~灯不', '~不亮']);
  t.deepEqual(both.filter((w) => !w.startsWith('~')), words);
});

test('segment: normalises full-width forms, case and spreadsheet artefacts', (t) => {
  t.is(normalizeText('ＡＢＣ１２３_x000D_\n　路灯'), 'abc123 路灯');
  t.deepEqual(segment(''), []);
  t.deepEqual(segment('，。！？   '), []);
});

test('predict: unseen requests get the right category first', (t) => {
  t.is(model.predict('公交车晚点太严重了')[0]?.label, '交通运输');
  t.is(model.predict('化工厂排放废气污染空气')[0]?.label, '环境保护');
  t.is(model.predict('幼儿园收费太高，孩子入学难')[0]?.label, '教育文体');
  t.is(model.predict({ title: '噪音扰民', text: '每天晚上都很吵' })[0]?.label, '环境保护');
  t.deepEqual([...model.labels], ['交通运输', '教育文体', '环境保护']);
});

test('predict: top-k is sorted by confidence, k is respected, confidences are probabilities', (t) => {
  const all = model.predict('学校老师补课收费', 10);
  t.is(all.length, 3);
  t.is(all[0]?.label, '教育文体');
  for (let i = 1; i < all.length; i++) t.true(all[i - 1]!.confidence >= all[i]!.confidence);
  t.true(Math.abs(all.reduce((s, p) => s + p.confidence, 0) - 1) < 1e-9);
  t.is(model.predict('学校老师补课收费', 1).length, 1);
  t.is(model.predict('学校老师补课收费').length, 3);
  t.deepEqual(model.predict('学校老师补课收费', 0), []);
  t.true(all[0]!.confidence > 0.5, `top confidence ${all[0]!.confidence}`);
});

test('predict: confidences stay in 0..1 and sum to 1 for any text', (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (text, k) => {
      const predictions = model.predict(text, k);
      if (predictions.length !== Math.min(k, 3)) return false;
      if (!predictions.every((p) => p.confidence >= 0 && p.confidence <= 1)) return false;
      const total = model.predict(text, 3).reduce((s, p) => s + p.confidence, 0);
      return Math.abs(total - 1) < 1e-9;
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('suggest: text with no known word goes to a human; clear text may be dispatched', (t) => {
  for (const text of ['', 'hello world', '？？？']) {
    const s = model.suggest(text);
    t.true(s.needsHuman, text);
    t.is(s.suggestions.length, 3);
  }
  const clear = model.suggest('出租车拒载乱收费，公交车晚点');
  t.is(clear.suggestions[0]?.label, '交通运输');
  t.is(clear.needsHuman, clear.suggestions[0]!.confidence < model.autoThreshold);
  t.true(model.autoThreshold > 0 && model.autoThreshold <= 1);
});

test('model round-trips through JSON text and predicts identically', (t) => {
  const text = JSON.stringify(model);
  const loaded = loadModel(text);
  t.deepEqual(loaded.toJSON(), model.toJSON());
  t.deepEqual(JSON.parse(JSON.stringify(loaded)), JSON.parse(text));
  for (const q of ['公交车晚点', '工厂排放废气', '幼儿园收费', '', '完全无关的一句话']) {
    t.deepEqual(loaded.predict(q, 3), model.predict(q, 3), q);
    t.deepEqual(loaded.suggest(q), model.suggest(q), q);
  }
  t.is(loaded.autoThreshold, model.autoThreshold);
  t.deepEqual(loadModel(JSON.parse(text)).predict('河道污染'), model.predict('河道污染'));
});

test('loadModel rejects what is not a model', (t) => {
  t.throws(() => loadModel('{}'), { instanceOf: TypeError });
  t.throws(() => loadModel('null'), { instanceOf: TypeError });
  const bad = { ...model.toJSON(), idf: [1] };
  t.throws(() => loadModel(bad), { instanceOf: TypeError });
});

test('train: report measures a held-back part; training is deterministic', (t) => {
  const { report } = model;
  t.is(report.records, 30);
  t.is(report.labels, 3);
  t.truthy(report.heldOut);
  t.is(report.heldOut!.n, 6); // 20 % of each label
  t.true(report.heldOut!.accuracy >= 0 && report.heldOut!.accuracy <= 1);
  t.true(report.features > 0);
  t.deepEqual(train(records(), { seed: 3 }).toJSON(), model.toJSON());
  t.is(train(records(), { holdout: 0 }).report.heldOut, null);
});

test('train: rejects an empty history and bad options', (t) => {
  t.throws(() => train([]), { instanceOf: RangeError });
  t.throws(() => train(records(), { holdout: 1 }), { instanceOf: RangeError });
  t.throws(() => train(records(), { alpha: -1 }), { instanceOf: RangeError });
  t.throws(() => train([{ text: '公交车', label: ' ' }]), { instanceOf: TypeError });
});

test('train: works with a single label and with tiny histories', (t) => {
  const one = train([{ text: '公交车晚点', label: '交通运输' }]);
  t.deepEqual(one.predict('任何内容'), [{ label: '交通运输', confidence: 1 }]);
  const tiny = train([
    { text: '公交车晚点', label: '交通运输' },
    { text: '工厂排放废气', label: '环境保护' },
  ]);
  t.is(tiny.labels.length, 2);
  t.is(tiny.predict('x', 5).length, 2);
});

test('dictionary entries teach words the history lacks; unknown labels are ignored', (t) => {
  const dictionary = [
    { label: '环境保护', text: '环境污染 辐射污染 电磁辐射' },
    { label: '环境保护', text: '环境污染 辐射污染 放射源' },
    { label: '农村农业', text: '农机补贴 种粮补贴' },
  ];
  const without = train(records(), { holdout: 0 });
  const withDictionary = train(records(), { holdout: 0, dictionary, dictionaryWeight: 2 });
  t.is(withDictionary.report.dictionaryEntries, 2);
  t.false(withDictionary.labels.includes('农村农业'));
  t.deepEqual(without.predict('电磁辐射')[0], { label: without.predict('电磁辐射')[0]!.label, confidence: 1 / 3 });
  t.is(withDictionary.predict('基站电磁辐射')[0]?.label, '环境保护');
});

test('title counts more than the body', (t) => {
  const input = { title: '公交车晚点', text: '学校' };
  t.is(model.predict(input)[0]?.label, '交通运输');
});

// -------------------------------------------------------------- metrics

test('metrics: hand-checked accuracy, per-class precision/recall/F1 and macro-F1', (t) => {
  // gold A A B B C, predicted A B B B A
  const m = metrics(['A', 'A', 'B', 'B', 'C'], ['A', 'B', 'B', 'B', 'A']);
  t.is(m.accuracy, 3 / 5);
  t.deepEqual(m.perClass['A'], { precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, support: 2 });
  t.deepEqual(m.perClass['B'], { precision: 2 / 3, recall: 1, f1: 0.8, support: 2 });
  t.deepEqual(m.perClass['C'], { precision: 0, recall: 0, f1: 0, support: 1 });
  t.true(Math.abs(m.macroF1 - (0.5 + 0.8 + 0) / 3) < 1e-12);
  t.deepEqual(m.confusion, { A: { A: 1, B: 1 }, B: { B: 2 }, C: { A: 1 } });
  t.is(m.n, 5);
  t.throws(() => metrics(['A'], []));
});

test('stratifiedFolds: every label is spread evenly and the split is seeded', (t) => {
  const labels = [...Array(10).fill('a'), ...Array(7).fill('b'), ...Array(3).fill('c')] as string[];
  const fold = stratifiedFolds(labels, 3, 5);
  for (const label of ['a', 'b', 'c']) {
    const sizes = [0, 1, 2].map((q) => labels.filter((l, i) => l === label && fold[i] === q).length);
    t.true(Math.max(...sizes) - Math.min(...sizes) <= 1, `${label}: ${sizes.join(',')}`);
  }
  t.deepEqual(stratifiedFolds(labels, 3, 5), fold);
  t.notDeepEqual(stratifiedFolds(labels, 3, 6), fold);
  t.throws(() => stratifiedFolds(labels, 1));
});

test('evaluate: cross-validation on separable data is perfect and consistent with metrics', (t) => {
  // minDf 1: with 8 training texts per label, the default minDf 2 leaves some
  // test texts without any known word.
  const result = evaluate(records(), 5, { seed: 2, minDf: 1 });
  t.is(result.folds, 5);
  t.is(result.n, 30);
  t.is(result.accuracy, 1);
  t.is(result.macroF1, 1);
  for (const label of ['交通运输', '环境保护', '教育文体']) {
    t.deepEqual(result.perClass[label], { precision: 1, recall: 1, f1: 1, support: 10 });
  }
  const c = result.confidence;
  for (const value of [c.autoDispatched, c.autoAccuracy, c.meanTopConfidence, c.expectedCalibrationError]) t.true(value >= 0 && value <= 1);
  t.true(c.meanTopConfidence >= 1 / 3);
  t.throws(() => evaluate(records().slice(0, 3), 5));
});

test('evaluate: a record no fold could learn is counted as an error', (t) => {
  // 'X' has a single record: whichever fold holds it has never seen the label.
  const data = [...records(), { text: '完全不同的内容关于某个话题', label: 'X' }];
  const result = evaluate(data, 3, { seed: 1 });
  t.is(result.perClass['X']?.recall, 0);
  t.is(result.perClass['X']?.support, 1);
  t.true(Math.abs(result.macroF1 - Object.values(result.perClass).reduce((s, c) => s + c.f1, 0) / 4) < 1e-12);
});
