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

interface KeywordForm {
  keyword: string;
  /** Normalized. */
  kw: string;
  /** Its own segmentation. */
  parts: string[];
}

function keywordForm(keyword: string): KeywordForm {
  const kw = normalizeText(keyword);
  return { keyword, kw, parts: kw ? jieba().cut(kw, true).map((t) => t.trim()).filter(Boolean) : [] };
}

function keywordHits(forms: readonly KeywordForm[], terms: Set<string>, norm: string): string[] {
  const hits: string[] = [];
  for (const { keyword, kw, parts } of forms) {
    if (!kw) continue;
    // A keyword matches as a word of the text, or when every word of its own segmentation does
    // (so 电梯故障 matches 电梯出了故障 but 电视 does not match 电视台), or as a phrase of 4+ characters.
    if (terms.has(kw) || (parts.length > 1 && parts.every((p) => terms.has(p))) || (kw.length >= 4 && norm.includes(kw))) hits.push(keyword);
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

interface CompiledRule {
  rule: DispatchRule;
  keywords: KeywordForm[];
  excludeKeywords: KeywordForm[];
  /** Longest first: the most specific prefix a code starts with is found first. */
  categoryPrefixes: string[];
}

/**
 * What `route` derives from a catalogue — indexes, normalized names, keyword
 * segmentations — computed once per catalogue object (the routing service
 * keeps one per revision) instead of once per ticket.
 */
interface CompiledCatalogue {
  byId: Map<string, RoutingUnit>;
  byArea: Map<string, RoutingUnit>;
  /** Every place name and alias of 2+ characters, longest first (stable: earlier places win ties). */
  placeNames: { name: string; place: Place }[];
  /** Units a complaint can be about, with their names as they appear in normalized text (place names excluded). */
  complainable: { unit: RoutingUnit; names: string[] }[];
  rules: CompiledRule[];
}

const compiledCatalogues = new WeakMap<object, CompiledCatalogue>();

function compile(cat: Pick<Catalogue, 'units' | 'places'> & Partial<Pick<Catalogue, 'rules'>>): CompiledCatalogue {
  let c = compiledCatalogues.get(cat);
  if (c) return c;
  const placeNames = cat.places
    .flatMap((place) => [place.name, ...(place.aliases ?? [])].map((name) => ({ name, place })))
    .filter((p) => p.name.length >= 2)
    .sort((a, b) => b.name.length - a.name.length);
  const placeNameSet = new Set(cat.places.flatMap((p) => [p.name, ...(p.aliases ?? [])]));
  c = {
    byId: new Map(cat.units.map((u) => [u.unitId, u])),
    byArea: new Map(cat.units.filter((u) => u.areaCode).map((u) => [u.areaCode!, u])),
    placeNames,
    // A place name is an address, not the unit (东湖区, 东湖区湖滨街道).
    complainable: cat.units
      .filter((u) => u.kind !== 'center')
      .map((unit) => ({ unit, names: [unit.unitName, ...(unit.aliases ?? [])].filter((n) => n.length >= 2 && !placeNameSet.has(n)).map(normalizeText) }))
      .filter((u) => u.names.length > 0),
    rules: (cat.rules ?? []).map((rule) => ({
      rule,
      keywords: (rule.keywords ?? []).map(keywordForm),
      excludeKeywords: (rule.excludeKeywords ?? []).map(keywordForm),
      categoryPrefixes: [...(rule.categoryPrefixes ?? [])].sort((a, b) => b.length - a.length),
    })),
  };
  compiledCatalogues.set(cat, c);
  return c;
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
function placeIn(text: string, placeNames: CompiledCatalogue['placeNames']): { place: Place; name: string } | null {
  for (const p of placeNames) if (text.includes(p.name)) return p;
  return null;
}

export function resolveArea(input: RoutingInput, cat: Pick<Catalogue, 'places' | 'areas' | 'units'>): ResolvedArea | null {
  const { byId, byArea, placeNames } = compile(cat);
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
    const hit = placeIn(source, placeNames);
    if (hit) return areaFromUnit(byId.get(hit.place.unitId), byId, via, hit.name);
  }
  return null;
}

type CategoryCandidate = { code: string; confidence: number; via: 'operator' | 'classifier' };

/** The operator's category, or else the classifier's guesses. */
function categoryCandidates(input: RoutingInput): CategoryCandidate[] {
  return input.categoryCode
    ? [{ code: input.categoryCode, confidence: 1, via: 'operator' }]
    : (input.categoryGuesses ?? []).map((g) => ({ ...g, via: 'classifier' }));
}

function categoryEvidence(rule: CompiledRule, candidates: readonly CategoryCandidate[]): { score: number; code: string; via: 'operator' | 'classifier' } | null {
  if (!rule.categoryPrefixes.length) return null;
  let best: { score: number; code: string; via: 'operator' | 'classifier' } | null = null;
  for (const c of candidates) {
    const prefix = rule.categoryPrefixes.find((p) => c.code.startsWith(p));
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
  const compiled = compile(cat);
  const { byId } = compiled;
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
    // A unit asked to act (请教育部门调查) is not the one complained about.
    const named = conduct.length ? compiled.complainable.filter((c) => c.names.some((n) => namedAsObject(norm, n))).map((c) => c.unit) : [];
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
  const candidates = categoryCandidates(input);
  const areaCodes = [area?.streetUnitId, area?.districtUnitId].map((id) => (id ? byId.get(id)?.areaCode : undefined)).filter(Boolean) as string[];
  for (const compiledRule of compiled.rules) {
    const { rule } = compiledRule;
    if (!rule.active) continue;
    if (rule.types?.length && !rule.types.includes(input.type)) continue;
    if (rule.areaPrefixes?.length && !rule.areaPrefixes.some((p) => areaCodes.some((c) => c.startsWith(p)))) continue;
    if (compiledRule.excludeKeywords.length && keywordHits(compiledRule.excludeKeywords, terms, norm).length) continue;
    const evidence: string[] = [];
    const catEv = categoryEvidence(compiledRule, candidates);
    const kwHits = keywordHits(compiledRule.keywords, terms, norm);
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
  const known = compile(cat).byId;
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
