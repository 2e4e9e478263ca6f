import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normalizeText, STOP_WORDS } from './classify/segment.ts';

/**
 * The knowledge base (知识库) that operators answer consultations from
 * (直接答复): which entries fit what the caller is saying. Pure: the caller
 * supplies the entries; the ranking is BM25 over jieba words.
 *
 * Words come from jieba's search mode, which also emits the parts of a long
 * word (公积金贷款 → 公积金, 贷款), so a caller who says 公积金 finds the entry
 * titled 公积金贷款额度. Stop words, punctuation, numbers and single Han
 * characters are dropped (a single character matches everything). Fields
 * weigh differently: the keywords an editor chose (synonyms such as 户口 for
 * 户籍) count most, the standard question next, the answer text least, so an
 * entry that merely mentions 社保卡 in passing ranks below the one about it.
 *
 * The editors' keywords also become words of this segmenter's dictionary:
 * jieba alone cuts 去哪里上牌 as 哪里/上/牌 and would lose 上牌. Words are only
 * ever added (a removed keyword that stays a word is harmless), and the
 * instance is the knowledge base's own, so ticket search and the classifier
 * segment as before. Pure apart from that lazily created instance.
 */
export interface KnowledgeEntryInput {
  id: string;
  title: string;
  keywords: readonly string[];
  answer: string;
}

export interface KnowledgeHit {
  id: string;
  score: number;
  /** The caller's words that matched, strongest first (shown to the operator as the reason). */
  matched: string[];
}

const SINGLE_HAN = /^\p{Script=Han}$/u;
/** Words nearly every call to this hotline contains (the city's own name, 咨询一下): they tell entries apart by nothing. */
const HOTLINE_WORDS: ReadonlySet<string> = new Set(['江州', '江州市', '咨询', '一下', '知道', '打听', '办理', '怎么办', '市民']);
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;
const PURE_NUMBER = /^[\p{N}.,%]+$/u;

/** Field weights (BM25F-style: a word's frequency counts this many times per field). */
export const FIELD_WEIGHTS = { keywords: 4, title: 3, answer: 1 } as const;
const K1 = 1.2;
const B = 0.5;

/** Below this score an entry is not shown: one weak, common word is not a match. */
export const MIN_SCORE = 1;
/** Entries far behind the best one are noise next to it. */
export const RELATIVE_CUT = 0.3;

let segmenter: Jieba | undefined;
const known = new Set<string>();
const DICT_WORD = /^[\p{Script=Han}\p{L}\p{N}]{2,20}$/u;
/** Dictionary frequency for editors' keywords: high enough that jieba keeps them whole. */
const KEYWORD_FREQ = 2000;

function kbJieba(): Jieba {
  segmenter ??= Jieba.withDict(dict);
  return segmenter;
}

/** Teach the segmenter the editors' keywords (once each). */
export function addKeywordsToDictionary(keywords: Iterable<string>): void {
  const fresh = [...new Set([...keywords].map(normalizeText))].filter((w) => DICT_WORD.test(w) && !known.has(w));
  if (!fresh.length) return;
  kbJieba().loadDict(Buffer.from(fresh.map((w) => `${w} ${KEYWORD_FREQ}`).join('\n')));
  for (const w of fresh) known.add(w);
}

/** The words of a text as the knowledge base compares them. */
export function knowledgeTerms(text: string): string[] {
  const normalized = normalizeText(text);
  if (!normalized) return [];
  return kbJieba()
    .cutForSearch(normalized, true)
    .map((w) => w.trim())
    .filter((w) => w && HAS_WORD_CHAR.test(w) && !PURE_NUMBER.test(w) && !SINGLE_HAN.test(w) && !STOP_WORDS.has(w) && !HOTLINE_WORDS.has(w));
}

interface IndexedEntry {
  id: string;
  /** Weighted term frequency over the fields. */
  tf: Map<string, number>;
  /** Words of the keywords and the question: a match in the answer text alone is incidental. */
  head: Set<string>;
  length: number;
}

export interface KnowledgeIndex {
  entries: IndexedEntry[];
  /** In how many entries each word occurs. */
  df: Map<string, number>;
  avgLength: number;
}

function addTerms(tf: Map<string, number>, terms: readonly string[], weight: number): number {
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + weight);
  return terms.length * weight;
}

/** Segment every entry once; rank many queries against the result. */
export function buildKnowledgeIndex(entries: readonly KnowledgeEntryInput[]): KnowledgeIndex {
  addKeywordsToDictionary(entries.flatMap((e) => e.keywords));
  const df = new Map<string, number>();
  const indexed = entries.map((e) => {
    const tf = new Map<string, number>();
    // An editor's keyword counts whole as well as in its parts (社保卡 and 社保).
    const keywordTerms = e.keywords.flatMap((k) => [normalizeText(k), ...knowledgeTerms(k)]).filter(Boolean);
    const titleTerms = knowledgeTerms(e.title);
    let length = addTerms(tf, [...new Set(keywordTerms)], FIELD_WEIGHTS.keywords);
    length += addTerms(tf, titleTerms, FIELD_WEIGHTS.title);
    length += addTerms(tf, knowledgeTerms(e.answer), FIELD_WEIGHTS.answer);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    return { id: e.id, tf, head: new Set([...keywordTerms, ...titleTerms]), length };
  });
  const avgLength = indexed.length ? indexed.reduce((s, e) => s + e.length, 0) / indexed.length : 1;
  return { entries: indexed, df, avgLength: avgLength || 1 };
}

/**
 * Entries that answer `text`, best first: at most `limit`, none under
 * `minScore` or under RELATIVE_CUT of the best one, and only entries whose
 * keywords or question share a word with the text.
 */
export function rankKnowledge(index: KnowledgeIndex, text: string, limit = 5, minScore = MIN_SCORE): KnowledgeHit[] {
  const query = [...new Set(knowledgeTerms(text))];
  if (!query.length || !index.entries.length) return [];
  const n = index.entries.length;
  // Smooth idf, ln(1 + N/df): unlike BM25's own it stays useful in a base of one or two entries.
  const idf = new Map(query.map((q) => [q, Math.log(1 + n / Math.max(1, index.df.get(q) ?? 0))]));
  const hits: KnowledgeHit[] = [];
  for (const e of index.entries) {
    const norm = K1 * (1 - B + (B * e.length) / index.avgLength);
    let score = 0;
    let inHead = false;
    const parts: [string, number][] = [];
    for (const q of query) {
      const f = e.tf.get(q);
      if (!f) continue;
      const s = (idf.get(q)! * f * (K1 + 1)) / (f + norm);
      score += s;
      inHead ||= e.head.has(q);
      parts.push([q, s]);
    }
    if (inHead && score >= minScore) {
      hits.push({ id: e.id, score: Math.round(score * 1000) / 1000, matched: parts.sort((a, b) => b[1] - a[1]).map(([q]) => q) });
    }
  }
  hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const best = hits[0]?.score ?? 0;
  return hits.filter((h) => h.score >= best * RELATIVE_CUT).slice(0, limit);
}
