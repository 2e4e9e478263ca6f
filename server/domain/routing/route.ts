import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { point as turfPoint, polygon as turfPolygon, multiPolygon as turfMultiPolygon } from '@turf/helpers';
import { jieba, normalizeText } from '../classify/segment.ts';
import type { RequestType } from '../ticket.ts';

/**
 * 派单目录: which unit must act on a request, decided from plain data — the
 * dispatch rules (category × area × keywords → unit), the gazetteer (place
 * names → street/district), area polygons, and the unit tree. Pure: the
 * routing worker loads the catalogue and calls `route`.
 */

export interface RoutingUnit {
  unitId: string;
  unitName: string;
  kind: string;
  parentId: string | null;
  ancestors: string[];
  areaCode?: string;
  /** Names a citizen may use for the unit (市住建局, 住建局, 住建). */
  aliases?: string[];
}

/** A unit as stored (or seeded), seen by the routing engine: its short name and aliases are the names citizens use. */
export function toRoutingUnit(u: {
  _id: string;
  name: string;
  shortName?: string | null;
  aliases?: readonly string[] | null;
  kind: string;
  parentId?: string | null;
  ancestors: string[];
  areaCode?: string | null;
}): RoutingUnit {
  return {
    unitId: u._id,
    unitName: u.name,
    kind: u.kind,
    parentId: u.parentId ?? null,
    ancestors: u.ancestors,
    ...(u.areaCode ? { areaCode: u.areaCode } : {}),
    aliases: [...new Set([u.shortName, ...(u.aliases ?? [])].filter((a): a is string => !!a))],
  };
}

export interface Place {
  name: string;
  aliases?: string[];
  kind: 'district' | 'street' | 'community' | 'road' | 'landmark';
  /** The unit whose territory it is: a street/town unit, or a district for district-level places. */
  unitId: string;
}

export interface AreaPolygon {
  unitId: string;
  /** GeoJSON Polygon or MultiPolygon coordinates ([lng, lat]). */
  geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
}

export type RuleTarget = { kind: 'unit'; unitId: string } | { kind: 'territorial'; level: 'street' | 'district' };

export interface DispatchRule {
  id: string;
  name: string;
  /** Breaks ties between rules of equal evidence; 0-100. */
  priority: number;
  /** Category codes (or their prefixes: '0101' covers '010101'). */
  categoryPrefixes?: string[];
  /** Any of these words in the request text (matched on jieba segmentation). */
  keywords?: string[];
  excludeKeywords?: string[];
  types?: RequestType[];
  /** Area codes (or prefixes) the rule is limited to. */
  areaPrefixes?: string[];
  target: RuleTarget;
  coUnitIds?: string[];
  active: boolean;
}

export interface Catalogue {
  rules: DispatchRule[];
  places: Place[];
  areas: AreaPolygon[];
  units: RoutingUnit[];
  /** 督查: complaints about a unit or its staff go here, never to that unit. */
  supervisionUnitId: string | null;
  /** At or above this confidence a ticket is dispatched automatically. */
  autoDispatchAt: number;
}

export interface RoutingInput {
  title?: string;
  content: string;
  type: RequestType;
  /** Chosen by the operator; otherwise `categoryGuesses` from the classifier count. */
  categoryCode?: string;
  categoryGuesses?: { code: string; confidence: number }[];
  areaCode?: string;
  address?: string;
  point?: { lng: number; lat: number };
}

export interface ResolvedArea {
  streetUnitId: string | null;
  districtUnitId: string | null;
  via: 'areaCode' | 'point' | 'address' | 'content';
  matched?: string;
}

export interface RuleMatch {
  ruleId: string;
  name: string;
  score: number;
  evidence: string[];
  leadUnitId: string | null;
}

export interface RoutingDecision {
  decision: 'dispatch' | 'park';
  lead: { unitId: string; unitName: string } | null;
  coUnits: { unitId: string; unitName: string }[];
  confidence: number;
  area: ResolvedArea | null;
  category: { code: string; via: 'operator' | 'classifier'; confidence: number } | null;
  matched: RuleMatch[];
  /** Why, in Chinese, for the ticket history and the dispatcher. */
  explanation: string[];
}

const CONDUCT_WORDS = ['态度', '不作为', '乱作为', '推诿', '刁难', '工作人员', '吃拿卡要', '索要', '辱骂', '拖延', '敷衍', '不理睬', '踢皮球'];

/** Tokens of a text by jieba (search mode), normalized; used to match keywords as words, not as substrings. */
export function textTerms(text: string): Set<string> {
  const norm = normalizeText(text);
  return new Set(jieba().cutForSearch(norm, true).map((t) => t.trim()).filter(Boolean));
}

/** A keyword's normalized form and its own segmentation, computed once per keyword (rules are few, tickets many). */
const keywordForms = new Map<string, { kw: string; parts: string[] }>();
function keywordForm(k: string): { kw: string; parts: string[] } {
  let f = keywordForms.get(k);
  if (!f) {
    const kw = normalizeText(k);
    f = { kw, parts: kw ? jieba().cut(kw, true).map((t) => t.trim()).filter(Boolean) : [] };
    if (keywordForms.size > 50_000) keywordForms.clear();
    keywordForms.set(k, f);
  }
  return f;
}

function keywordHits(keywords: readonly string[], terms: Set<string>, norm: string): string[] {
  const hits: string[] = [];
  for (const k of keywords) {
    const { kw, parts } = keywordForm(k);
    if (!kw) continue;
    // A keyword matches as a word of the text, or when every word of its own segmentation does
    // (so 电梯故障 matches 电梯出了故障 but 电视 does not match 电视台), or as a phrase of 4+ characters.
    if (terms.has(kw) || (parts.length > 1 && parts.every((p) => terms.has(p))) || (kw.length >= 4 && norm.includes(kw))) hits.push(k);
  }
  return hits;
}

/** Words before a unit's name that make it the addressee of the request, not its object. */
const ADDRESSEE_BEFORE = /(请|希望|要求|麻烦|恳请|建议|盼)$/;

/** `name` occurs in `norm` at least once other than as the addressee (请住建局督促 …). */
function namedAsObject(norm: string, name: string): boolean {
  for (let at = norm.indexOf(name); at >= 0; at = norm.indexOf(name, at + 1)) {
    if (!ADDRESSEE_BEFORE.test(norm.slice(Math.max(0, at - 2), at))) return true;
  }
  return false;
}

function unitIndex(units: readonly RoutingUnit[]) {
  const byId = new Map(units.map((u) => [u.unitId, u]));
  const byArea = new Map(units.filter((u) => u.areaCode).map((u) => [u.areaCode!, u]));
  return { byId, byArea };
}

function districtOf(unit: RoutingUnit | undefined, byId: Map<string, RoutingUnit>): RoutingUnit | undefined {
  if (!unit) return undefined;
  if (unit.kind === 'district') return unit;
  for (const a of [...unit.ancestors].reverse()) {
    const u = byId.get(a);
    if (u?.kind === 'district') return u;
  }
  return undefined;
}

function areaFromUnit(u: RoutingUnit | undefined, byId: Map<string, RoutingUnit>, via: ResolvedArea['via'], matched?: string): ResolvedArea | null {
  if (!u) return null;
  const district = districtOf(u, byId);
  return {
    streetUnitId: u.kind === 'street' ? u.unitId : null,
    districtUnitId: district?.unitId ?? null,
    via,
    ...(matched ? { matched } : {}),
  };
}

/** Longest place name (or alias) found in the text wins: 湖滨街道幸福里小区 beats 东湖区. */
function placeIn(text: string, places: readonly Place[]): { place: Place; name: string } | null {
  let best: { place: Place; name: string } | null = null;
  for (const p of places) {
    for (const name of [p.name, ...(p.aliases ?? [])]) {
      if (name.length >= 2 && text.includes(name) && (!best || name.length > best.name.length)) best = { place: p, name };
    }
  }
  return best;
}

export function resolveArea(input: RoutingInput, cat: Pick<Catalogue, 'places' | 'areas' | 'units'>): ResolvedArea | null {
  const { byId, byArea } = unitIndex(cat.units);
  if (input.areaCode) {
    // The most specific unit whose area code is a prefix of the given one.
    for (let len = input.areaCode.length; len >= 6; len--) {
      const u = byArea.get(input.areaCode.slice(0, len));
      if (u) return areaFromUnit(u, byId, 'areaCode', input.areaCode);
    }
  }
  if (input.point) {
    const pt = turfPoint([input.point.lng, input.point.lat]);
    for (const a of cat.areas) {
      const shape = a.geometry.type === 'Polygon' ? turfPolygon(a.geometry.coordinates) : turfMultiPolygon(a.geometry.coordinates);
      if (booleanPointInPolygon(pt, shape as Parameters<typeof booleanPointInPolygon>[1])) return areaFromUnit(byId.get(a.unitId), byId, 'point');
    }
  }
  for (const [source, via] of [
    [input.address, 'address'],
    [`${input.title ?? ''} ${input.content}`, 'content'],
  ] as const) {
    if (!source) continue;
    const hit = placeIn(source, cat.places);
    if (hit) return areaFromUnit(byId.get(hit.place.unitId), byId, via, hit.name);
  }
  return null;
}

function categoryEvidence(rule: DispatchRule, input: RoutingInput): { score: number; code: string; via: 'operator' | 'classifier' } | null {
  if (!rule.categoryPrefixes?.length) return null;
  const candidates = input.categoryCode
    ? [{ code: input.categoryCode, confidence: 1, via: 'operator' as const }]
    : (input.categoryGuesses ?? []).map((g) => ({ ...g, via: 'classifier' as const }));
  let best: { score: number; code: string; via: 'operator' | 'classifier' } | null = null;
  for (const c of candidates) {
    const prefix = rule.categoryPrefixes.filter((p) => c.code.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    if (!prefix) continue;
    // A leaf-level match is stronger evidence than a match on a broad level-1 subject.
    const score = c.confidence * (prefix.length >= 6 ? 1 : prefix.length >= 4 ? 0.9 : 0.75);
    if (!best || score > best.score) best = { score, code: c.code, via: c.via };
  }
  return best;
}

function targetUnit(target: RuleTarget, area: ResolvedArea | null): string | null {
  if (target.kind === 'unit') return target.unitId;
  if (!area) return null;
  return target.level === 'street' ? (area.streetUnitId ?? area.districtUnitId) : area.districtUnitId;
}

/** Decide lead and co-handling units with a confidence and the reasons. */
export function route(input: RoutingInput, cat: Catalogue): RoutingDecision {
  const { byId } = unitIndex(cat.units);
  const norm = normalizeText(`${input.title ?? ''} ${input.content}`);
  const terms = textTerms(norm);
  const area = resolveArea(input, cat);
  const explanation: string[] = [];
  if (area) {
    const where = byId.get(area.streetUnitId ?? area.districtUnitId ?? '')?.unitName ?? '未知';
    const via = { areaCode: '区划代码', point: '地图坐标', address: '地址', content: '诉求内容' }[area.via];
    explanation.push(`属地：${where}（依据${via}${area.matched ? `「${area.matched}」` : ''}）`);
  } else {
    explanation.push('属地：未能从地址或内容判断');
  }
  const unitName = (id: string) => byId.get(id)?.unitName ?? id;

  // Complaints about a unit or its staff go to supervision, never to the unit itself.
  if (input.type === 'complaint' && cat.supervisionUnitId) {
    const conduct = CONDUCT_WORDS.filter((w) => norm.includes(w));
    // A place name is an address, not the unit (东湖区, 东湖区湖滨街道); a unit asked to act (请教育部门调查) is not the one complained about.
    const placeNames = new Set(cat.places.flatMap((p) => [p.name, ...(p.aliases ?? [])]));
    const named = cat.units.filter(
      (u) => u.kind !== 'center' && [u.unitName, ...(u.aliases ?? [])].some((n) => n.length >= 2 && !placeNames.has(n) && namedAsObject(norm, normalizeText(n))),
    );
    if (conduct.length && named.length) {
      return {
        decision: 'dispatch',
        lead: { unitId: cat.supervisionUnitId, unitName: unitName(cat.supervisionUnitId) },
        coUnits: [],
        confidence: 0.9,
        area,
        category: null,
        matched: [],
        explanation: [
          ...explanation,
          `投诉对象为承办单位或其工作人员（${named.map((u) => u.unitName).join('、')}；${conduct.join('、')}），按规定转督查机构，不派给被投诉单位`,
        ],
      };
    }
  }

  let category: RoutingDecision['category'] = null;
  const matches: (RuleMatch & { rule: DispatchRule; evidenceScore: number })[] = [];
  for (const rule of cat.rules) {
    if (!rule.active) continue;
    if (rule.types?.length && !rule.types.includes(input.type)) continue;
    if (rule.areaPrefixes?.length) {
      const codes = [area?.streetUnitId, area?.districtUnitId].map((id) => (id ? byId.get(id)?.areaCode : undefined)).filter(Boolean) as string[];
      if (!rule.areaPrefixes.some((p) => codes.some((c) => c.startsWith(p)))) continue;
    }
    if (rule.excludeKeywords?.length && keywordHits(rule.excludeKeywords, terms, norm).length) continue;
    const evidence: string[] = [];
    const catEv = categoryEvidence(rule, input);
    const kwHits = rule.keywords?.length ? keywordHits(rule.keywords, terms, norm) : [];
    if (!catEv && kwHits.length === 0) continue;
    const catScore = catEv?.score ?? 0;
    const kwScore = kwHits.length ? Math.min(0.95, 0.6 + 0.15 * (kwHits.length - 1)) : 0;
    if (catEv) evidence.push(`分类${catEv.via === 'operator' ? '' : '（智能识别）'} ${catEv.code}`);
    if (kwHits.length) evidence.push(`关键词：${kwHits.join('、')}`);
    const evidenceScore = 1 - (1 - catScore) * (1 - kwScore);
    const score = evidenceScore * (1 + rule.priority / 200);
    matches.push({ ruleId: rule.id, name: rule.name, score, evidence, leadUnitId: targetUnit(rule.target, area), rule, evidenceScore });
    if (catEv && (!category || catEv.score > category.confidence)) category = { code: catEv.code, via: catEv.via, confidence: catEv.score };
  }
  matches.sort((a, b) => b.score - a.score);
  const matched = matches.slice(0, 5).map(({ ruleId, name, score, evidence, leadUnitId }) => ({ ruleId, name, score: Math.round(score * 1000) / 1000, evidence, leadUnitId }));

  const best = matches[0];
  if (!best) {
    // 兜底: what no rule owns goes to the district of the place, if the place is known.
    if (area?.districtUnitId) {
      explanation.push(`无匹配的派单规则，按属地兜底派至${unitName(area.districtUnitId)}`);
      const confidence = area.via === 'content' ? 0.5 : 0.6;
      return decided(cat, area.districtUnitId, [], confidence, area, category, matched, explanation, unitName);
    }
    explanation.push('无匹配的派单规则且属地不明，转人工派单');
    return { decision: 'park', lead: null, coUnits: [], confidence: 0, area, category, matched, explanation };
  }
  explanation.push(`命中规则「${best.name}」（${best.evidence.join('；')}）`);
  if (!best.leadUnitId) {
    explanation.push('该规则按属地派单，但未能确定属地，转人工派单');
    return { decision: 'park', lead: null, coUnits: [], confidence: 0.2, area, category, matched, explanation };
  }
  let confidence = best.evidenceScore;
  const rival = matches.find((m) => m.leadUnitId && m.leadUnitId !== best.leadUnitId);
  if (rival && rival.score >= best.score * 0.9) {
    confidence *= 0.6;
    explanation.push(`规则「${rival.name}」指向${unitName(rival.leadUnitId!)}，与之分歧，置信度降低`);
  }
  if (best.rule.target.kind === 'territorial' && area?.via === 'content') confidence *= 0.9;
  const coUnits = (best.rule.coUnitIds ?? []).filter((id) => id !== best.leadUnitId && byId.has(id));
  return decided(cat, best.leadUnitId, coUnits, confidence, area, category, matched, explanation, unitName);
}

function decided(
  cat: Catalogue,
  leadUnitId: string,
  coUnitIds: string[],
  confidence: number,
  area: ResolvedArea | null,
  category: RoutingDecision['category'],
  matched: RuleMatch[],
  explanation: string[],
  unitName: (id: string) => string,
): RoutingDecision {
  const known = new Set(cat.units.map((u) => u.unitId));
  if (!known.has(leadUnitId)) {
    // A rule that names a unit since removed or disabled must not strand the ticket: a dispatcher decides.
    explanation.push(`规则指向的单位 ${leadUnitId} 不存在或已停用，转人工派单`);
    return { decision: 'park', lead: null, coUnits: [], confidence: 0, area, category, matched, explanation };
  }
  coUnitIds = coUnitIds.filter((id) => known.has(id));
  const c = Math.round(confidence * 1000) / 1000;
  const auto = c >= cat.autoDispatchAt;
  explanation.push(auto ? `置信度 ${c}，自动派单` : `置信度 ${c} 低于 ${cat.autoDispatchAt}，转人工派单（建议：${unitName(leadUnitId)}）`);
  return {
    decision: auto ? 'dispatch' : 'park',
    lead: { unitId: leadUnitId, unitName: unitName(leadUnitId) },
    coUnits: coUnitIds.map((id) => ({ unitId: id, unitName: unitName(id) })),
    confidence: c,
    area,
    category,
    matched,
    explanation,
  };
}
