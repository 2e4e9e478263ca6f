import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/**
 * Chinese search tokens. Neither MongoDB's $text (no Chinese) nor FerretDB
 * (no $text) can search Chinese, so tickets store the tokens of their text
 * and a text filter matches all tokens of the query.
 */
const jieba = Jieba.withDict(dict);
const WORD = /[\p{Script=Han}\p{L}\p{N}]/u;

export function searchTokens(text: string, max = 200): string[] {
  const out = new Set<string>();
  for (const raw of jieba.cutForSearch(text.toLowerCase(), true)) {
    const t = raw.trim();
    if (t && WORD.test(t)) out.add(t);
    if (out.size >= max) break;
  }
  return [...out];
}
