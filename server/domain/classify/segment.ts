/**
 * Chinese text segmentation for the category classifier ("智能分类") and for
 * search token arrays.
 *
 * - Text is normalised first: NFKC (full-width letters/digits/punctuation →
 *   half-width), lower case, and spreadsheet-export artefacts such as
 *   `_x000D_` removed.
 * - Words come from jieba (@node-rs/jieba, default dictionary, HMM on for
 *   out-of-vocabulary words).
 * - Punctuation, whitespace, pure numbers, single Latin letters and common
 *   function words (stop words) are dropped.
 * - Optionally, character bigrams of each run of CJK characters are added
 *   (prefixed with `~` so they never collide with a jieba word). They make
 *   the classifier robust to segmentation mistakes and unknown words.
 *
 * Pure apart from the lazily created jieba instance (dictionary load ~100 ms,
 * done once per process).
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jiebaInstance: Jieba | undefined;

/** The shared jieba instance (created on first use). */
export function jieba(): Jieba {
  jiebaInstance ??= Jieba.withDict(dict);
  return jiebaInstance;
}

/**
 * Common Chinese function words and pronouns, plus a few generic verbs that
 * occur in nearly every hotline message whatever its category.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `的 地 得 了 着 过 是 在 和 与 及 以及 或 或者 而 而且 并 并且 但 但是 可是 然而 因为 所以 因此 如果 假如 虽然 即使 于是 然后 这样 那样 这么 那么 怎么 怎样 什么 为什么 哪 哪里 哪些 这 那 这个 那个 这些 那些 这里 那里 此 其 其他 其它 之 之后 之前 以 以后 以前 以上 以下 已 已经 曾 曾经 将 将要 会 能 能够 可 可以 可能 要 想 应 应该 应当 需 需要 必须 就 才 都 也 还 又 再 更 很 太 非常 十分 特别 比较 最 越 一 一个 一些 一直 一样 一下 一般 每 各 各种 所 所有 有的 有些 被 把 给 让 对 对于 关于 由 由于 从 自 自从 向 往 到 至 于 为 为了 按 按照 根据 通过 经过 随着 除了 除 跟 同 比 个 位 件 次 些 们 者 吗 呢 吧 啊 呀 哦 嘛 么 哈 啦 呐 哎 唉 嗯 我 我们 你 你们 您 他 他们 她 她们 它 它们 自己 大家 人家 本人 咱们 没 没有 不 不是 不会 不能 不要 不用 有 无 是否 还是 就是 只是 只有 只要 不仅 不但 而是 等 等等 即 则 若 如 如何 如此 即可 其中 当 当时 现在 目前 今天 今年 去年 时候 时 后 前 中 里 上 下 内 外 年 月 日 号 点 分 元 及其 亦 该 另 另外 既 既然 尚 仍 仍然 却 并未 未 非 乃 总是 还有 从而 进而 之所以 依然 这种 那种 此外 个人 有关 相关 进行 问题 情况 希望 请问 请 您好 你好 谢谢 感谢 尊敬 领导`.split(
    /\s+/,
  ),
);

const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu;
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;
const PURE_NUMBER = /^[\p{N}.,%]+$/u;
const SINGLE_LATIN = /^[a-z]$/;

/** Normalise raw request text before segmentation. */
export function normalizeText(text: string): string {
  return text
    .replace(/_x000[dDaA]_/g, ' ') // Excel export artefacts for CR/LF
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

function keepWord(word: string): boolean {
  if (word.length === 0 || !HAS_WORD_CHAR.test(word)) return false; // punctuation, spaces
  if (PURE_NUMBER.test(word) || SINGLE_LATIN.test(word)) return false;
  return !STOP_WORDS.has(word);
}

export interface SegmentOptions {
  /** Add character bigrams of CJK runs (prefixed with `~`). Default false. */
  bigrams?: boolean;
}

/**
 * Tokens of `text` for classification: jieba words without stop words,
 * in text order (duplicates kept, so term frequencies can be counted),
 * optionally followed by CJK character bigrams.
 */
export function segment(text: string, options: SegmentOptions = {}): string[] {
  const normalized = normalizeText(text);
  if (normalized.length === 0) return [];
  const tokens = jieba()
    .cut(normalized, true)
    .map((w) => w.trim())
    .filter(keepWord);
  if (options.bigrams) {
    for (const match of normalized.matchAll(CJK_RUN)) {
      const run = match[0];
      for (let i = 0; i + 1 < run.length; i++) tokens.push(`~${run.slice(i, i + 2)}`);
    }
  }
  return tokens;
}
