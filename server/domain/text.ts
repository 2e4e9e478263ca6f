import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/**
 * Chinese search tokens. Neither MongoDB's $text (no Chinese) nor FerretDB
 * (no $text) can search Chinese, so tickets store tokens of their text and a
 * query matches all tokens of the search string.
 *
 * Word segmentation alone is not enough: jieba cuts "路灯不亮" as 路/灯不亮, so a
 * search for 路灯 would miss it. Han text is therefore indexed as overlapping
 * character bigrams (as CJK search engines do), plus jieba's words for
 * everything else (numbers, Latin words, names of places).
 */
const jieba = Jieba.withDict(dict);
const HAN_RUN = /\p{Script=Han}+/gu;
const WORD = /[\p{L}\p{N}]/u;
const HAN = /\p{Script=Han}/u;

function hanBigrams(text: string, out: Set<string>, max: number): void {
  for (const [run] of text.matchAll(HAN_RUN)) {
    const chars = Array.from(run);
    if (chars.length === 1) out.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length && out.size < max; i++) out.add(chars[i]! + chars[i + 1]!);
  }
}

function otherWords(text: string, out: Set<string>, max: number): void {
  for (const raw of jieba.cut(text, false)) {
    const t = raw.trim();
    if (t && WORD.test(t) && !HAN.test(t) && out.size < max) out.add(t);
  }
}

/** Tokens stored on a ticket for its text. */
export function searchTokens(text: string, max = 600): string[] {
  const lower = text.toLowerCase();
  const out = new Set<string>();
  otherWords(lower, out, max);
  hanBigrams(lower, out, max);
  return [...out];
}

/** Tokens a search string must all match (the same analysis as the stored text). */
export function queryTokens(query: string): string[] {
  return searchTokens(query, 20);
}
