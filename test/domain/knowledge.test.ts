import test from 'ava';
import { buildKnowledgeIndex, knowledgeTerms, MIN_SCORE, rankKnowledge } from '../../server/domain/knowledge.ts';
import { DEMO_KNOWLEDGE } from '../../scripts/seed/knowledge.ts';

const demo = DEMO_KNOWLEDGE.map((e, i) => ({ id: `kb-${String(i).padStart(2, '0')}`, ...e }));
const index = buildKnowledgeIndex(demo);
const titleOf = (id: string) => demo.find((e) => e.id === id)!.title;
const top = (text: string) => rankKnowledge(index, text).map((h) => titleOf(h.id));

test('terms are jieba words in search mode, without stop words, single characters or numbers', (t) => {
  const terms = knowledgeTerms('请问住房公积金贷款额度是多少，我68岁了');
  t.true(terms.includes('公积金'), 'the long word and its parts');
  t.true(terms.includes('贷款'));
  t.true(terms.includes('公积金') && terms.includes('住房'));
  t.false(terms.includes('请问'), 'stop word');
  t.false(terms.includes('68'), 'number');
  t.false(terms.some((w) => w.length === 1 && /\p{Script=Han}/u.test(w)), 'no single Han character');
  t.deepEqual(knowledgeTerms('江州市 咨询一下'), [], 'words every call to this hotline has');
  t.deepEqual(knowledgeTerms('  ，。！'), []);
});

test('the entry about the matter ranks first for what a caller says', (t) => {
  const cases: [string, RegExp][] = [
    ['我的社保卡丢了，想问问怎么补办', /社保卡丢失/],
    ['公积金怎么提取，我在江州买了房子', /公积金怎么提取/],
    ['孩子明年上小学，什么时候报名', /上小学怎么报名/],
    ['老家在外省，孩子想在江州读书', /外地户籍孩子/],
    ['我想办个营业执照开个小店', /营业执照/],
    ['买了套二手房，过户去哪里办', /二手房/],
    ['去外地看病医保能直接报销吗，要不要备案', /异地就医/],
    ['我妈68岁了坐公交要钱吗', /免费乘车卡/],
    ['第一次出国，护照在哪办', /护照/],
  ];
  for (const [text, want] of cases) {
    const titles = top(text);
    t.regex(titles[0] ?? '(none)', want, `${text} → ${titles.join(' | ')}`);
  }
});

test('an editor’s keyword (a synonym) finds the entry even when the question words differ', (t) => {
  const idx = buildKnowledgeIndex([
    { id: 'a', title: '户籍迁入办理指南', keywords: ['户口', '落户'], answer: '到派出所户籍窗口申请。' },
    { id: 'b', title: '居住证办理指南', keywords: ['居住证'], answer: '到派出所申请居住证。' },
  ]);
  t.is(rankKnowledge(idx, '想把户口迁过来')[0]?.id, 'a');
  t.deepEqual(rankKnowledge(idx, '想把户口迁过来')[0]?.matched, ['户口']);
});

test('an editor’s keyword becomes a word: jieba alone would cut 哪里上牌 as 哪里/上/牌', (t) => {
  t.false(knowledgeTerms('去哪里挂号牌照').includes('挂号牌照'));
  const idx = buildKnowledgeIndex([{ id: 'ebike', title: '电动自行车登记', keywords: ['上牌', '挂号牌照'], answer: '到车管服务站办理。' }]);
  t.true(knowledgeTerms('电动车去哪里上牌').includes('上牌'));
  t.is(rankKnowledge(idx, '电动车去哪里上牌')[0]?.id, 'ebike');
});

test('the question and keywords weigh more than a mention in the answer; a mention alone is not a match', (t) => {
  const idx = buildKnowledgeIndex([
    { id: 'mention', title: '新生儿出生一件事', keywords: ['出生登记'], answer: '可一次申请出生登记、医保参保和社保卡申领。' },
    { id: 'about', title: '社保卡怎么申领', keywords: ['社保卡'], answer: '到人社窗口申领。' },
    { id: 'other', title: '护照办理', keywords: ['护照'], answer: '到出入境大厅办理。' },
  ]);
  const hits = rankKnowledge(idx, '社保卡怎么申领');
  t.is(hits[0]?.id, 'about');
  t.false(hits.some((h) => h.id === 'mention'), 'matched only in its answer text');
  t.false(hits.some((h) => h.id === 'other'));
});

test('small talk, requests for help with no entry, and an empty base give nothing', (t) => {
  t.deepEqual(top('今天天气怎么样'), []);
  t.deepEqual(top('小区门口路灯坏了一个星期'), []);
  t.deepEqual(top('请问'), []);
  t.deepEqual(rankKnowledge(buildKnowledgeIndex([]), '社保卡补办'), []);
});

test('results are capped, sorted, above the floor, and stable for ties', (t) => {
  const hits = rankKnowledge(index, '社保 医保 公积金 户口 护照 公交 入学 个税', 3);
  t.true(hits.length <= 3);
  for (let i = 1; i < hits.length; i++) t.true(hits[i - 1]!.score >= hits[i]!.score);
  for (const h of hits) t.true(h.score >= MIN_SCORE);
  const twins = buildKnowledgeIndex([
    { id: 'y', title: '医保缴费', keywords: [], answer: '' },
    { id: 'x', title: '医保缴费', keywords: [], answer: '' },
  ]);
  t.deepEqual(rankKnowledge(twins, '医保缴费', 5, 0).map((h) => h.id), ['x', 'y']);
});

test('the demo base: about 30 entries, each with a question, keywords, an answer and a source', (t) => {
  t.true(DEMO_KNOWLEDGE.length >= 28, `${DEMO_KNOWLEDGE.length}`);
  t.is(new Set(DEMO_KNOWLEDGE.map((e) => e.title)).size, DEMO_KNOWLEDGE.length, 'no duplicate questions');
  for (const e of DEMO_KNOWLEDGE) {
    t.true(e.keywords.length >= 2 && e.answer.length >= 60 && e.source.length > 0, e.title);
  }
});
