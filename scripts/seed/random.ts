import { Types } from 'mongoose';

/**
 * A small seeded PRNG (mulberry32) and the helpers the generators need, so the
 * demo data is the same on every run for the same `now`.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Real number in [min, max). */
  real(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Pick by weight: entries are [value, weight]. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    const last = entries.at(-1);
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** Digits as a string, e.g. digits(4) → '0417'. */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}

const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155',
  '156', '157', '158', '159', '166', '173', '177', '180', '181', '182', '183', '185', '186', '187',
  '188', '189', '191', '198', '199',
] as const;

/** A made-up mainland mobile number (11 digits). */
export function mobile(rng: Rng): string {
  return rng.pick(MOBILE_PREFIXES) + rng.digits(8);
}

/**
 * A deterministic ObjectId: the 4-byte timestamp of `at` (so _id order follows
 * creation time, as with real ids) and a fixed 'seed' marker with a counter.
 */
export function seedObjectId(at: Date, counter: number, kind: number): Types.ObjectId {
  const ts = Math.max(0, Math.floor(at.getTime() / 1000)).toString(16).padStart(8, '0');
  const hex = `${ts}5eed${kind.toString(16).padStart(2, '0')}${counter.toString(16).padStart(10, '0')}`;
  return new Types.ObjectId(hex);
}

// ---------------------------------------------------------------------------
// Names

/** Surnames, the common ones listed more than once so they come up more often. */
const SURNAMES = Array.from(
  '王王王李李李张张张刘刘刘陈陈陈杨杨黄黄赵赵吴吴周周徐徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤熊涂聂胡',
);

const MALE_GIVEN = [
  '建国', '建华', '建军', '国强', '国庆', '志强', '志明', '志刚', '海涛', '晓东', '卫东', '向东', '永刚',
  '德明', '德福', '振华', '立新', '新民', '保国', '学军', '少华', '大伟', '小龙', '伟', '磊', '军', '勇',
  '杰', '涛', '明', '超', '刚', '浩', '鹏', '斌', '辉', '飞', '鑫', '峰', '亮', '帆', '阳', '瑞', '哲',
  '宇航', '一鸣', '思远', '俊杰', '文博', '昊然', '梓轩', '明轩', '子豪', '家乐', '天佑', '春生', '水根',
  '金华', '长青', '光明', '红军', '建平', '荣华', '文斌', '海波', '俊峰', '志勇', '泽宇', '浩宇',
];

const FEMALE_GIVEN = [
  '秀英', '桂兰', '丽娟', '海燕', '秀兰', '桂英', '红梅', '玉兰', '晓燕', '雅琴', '春梅', '秋菊', '冬梅',
  '金凤', '淑珍', '爱华', '红霞', '小红', '凤英', '丽萍', '秀珍', '桂芳', '兰英', '玉梅', '美玲', '晓丽',
  '芳', '娜', '敏', '静', '艳', '霞', '平', '丹', '婷', '雪', '倩', '慧', '琳', '颖', '蕾', '晨', '玲',
  '子涵', '梓萱', '欣怡', '佳琪', '诗琪', '雨桐', '嘉怡', '梦瑶', '思雨', '晓雯', '莉莉', '婉婷', '雅婷',
  '美华', '素芬', '翠兰', '月娥', '春燕', '文静', '佳慧', '丽华',
];

export interface PersonName {
  surname: string;
  given: string;
  full: string;
  female: boolean;
}

export function personName(rng: Rng): PersonName {
  const surname = rng.pick(SURNAMES);
  const female = rng.chance(0.5);
  const given = rng.pick(female ? FEMALE_GIVEN : MALE_GIVEN);
  return { surname, given, full: surname + given, female };
}

/** A name not yet in `taken` (which it then joins). */
export function uniqueName(rng: Rng, taken: Set<string>): PersonName {
  for (;;) {
    const n = personName(rng);
    if (!taken.has(n.full)) {
      taken.add(n.full);
      return n;
    }
  }
}
