/**
 * The routing engine (派单目录 → lead unit) on small hand-made catalogues,
 * and the demo catalogue's consistency with the unit tree, the dictionary
 * and the seed templates.
 */
import test from 'ava';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { point as turfPoint, polygon as turfPolygon } from '@turf/helpers';
import { resolveArea, route, toRoutingUnit, type Catalogue, type DispatchRule, type RoutingInput } from '../../server/domain/routing/route.ts';
import { buildDemoData } from '../../scripts/seed/index.ts';
import { buildDemoCatalogue, unitAliases, UNIT_ALIASES } from '../../scripts/seed/catalogue.ts';
import { buildRoutingCases } from '../../scripts/seed/routing-cases.ts';
import { TEMPLATES } from '../../scripts/seed/ticket-templates.ts';
import { unitMeta } from '../../scripts/seed/units.ts';

// ---------------------------------------------------------------------------
// A tiny city: one district with two streets, one department, supervision.

const square = (lng: number, lat: number, r = 0.01) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [lng - r, lat - r],
      [lng + r, lat - r],
      [lng + r, lat + r],
      [lng - r, lat + r],
      [lng - r, lat - r],
    ],
  ],
});

function city(rules: DispatchRule[], over: Partial<Catalogue> = {}): Catalogue {
  return {
    rules,
    // Names of equal length: the first listed wins, so compounds come first and districts last.
    places: [
      { name: '湖滨路幸福里', aliases: ['幸福里小区'], kind: 'community', unitId: 's2' },
      { name: '湖滨街道', aliases: ['湖滨'], kind: 'street', unitId: 's1' },
      { name: '东门街道', kind: 'street', unitId: 's2' },
      { name: '湖滨路', kind: 'road', unitId: 's1' },
      { name: '东湖区', kind: 'district', unitId: 'd1' },
    ],
    areas: [
      { unitId: 's1', geometry: square(116.0, 29.7) },
      { unitId: 's2', geometry: square(116.03, 29.7) },
    ],
    units: [
      { unitId: 'center', unitName: '12345热线中心', kind: 'center', parentId: null, ancestors: [] },
      { unitId: 'sup', unitName: '市政府督查室', kind: 'supervision', parentId: null, ancestors: [] },
      { unitId: 'zjj', unitName: '江州市住房和城乡建设局', kind: 'department', parentId: null, ancestors: [], aliases: ['市住建局', '住建局'] },
      { unitId: 'scj', unitName: '江州市市场监督管理局', kind: 'department', parentId: null, ancestors: [], aliases: ['市场监管局'] },
      { unitId: 'd1', unitName: '江州市东湖区人民政府', kind: 'district', parentId: null, ancestors: [], areaCode: '369902', aliases: ['东湖区', '东湖区政府'] },
      { unitId: 's1', unitName: '东湖区湖滨街道办事处', kind: 'street', parentId: 'd1', ancestors: ['d1'], areaCode: '369902001', aliases: ['湖滨街道办'] },
      { unitId: 's2', unitName: '东湖区东门街道办事处', kind: 'street', parentId: 'd1', ancestors: ['d1'], areaCode: '369902002' },
    ],
    supervisionUnitId: 'sup',
    autoDispatchAt: 0.55,
    ...over,
  };
}

const rule = (r: Partial<DispatchRule> & Pick<DispatchRule, 'id' | 'target'>): DispatchRule => ({ name: r.id, priority: 50, active: true, ...r });
const STREET = { kind: 'territorial', level: 'street' } as const;
const DISTRICT = { kind: 'territorial', level: 'district' } as const;

const noise = rule({ id: 'noise', target: STREET, categoryPrefixes: ['0503'], keywords: ['噪音', '广场舞'] });
const enrol = rule({ id: 'enrol', target: DISTRICT, categoryPrefixes: ['080102'], keywords: ['学区'] });
const leak = rule({ id: 'leak', target: { kind: 'unit', unitId: 'zjj' }, categoryPrefixes: ['0102'], keywords: ['开发商'] });

const input = (over: Partial<RoutingInput>): RoutingInput => ({ content: '', type: 'help', ...over });

test('area from the area code: the most specific unit whose code is a prefix', (t) => {
  const cat = city([noise]);
  const a = resolveArea(input({ areaCode: '369902002' }), cat);
  t.is(a?.via, 'areaCode');
  t.is(a?.streetUnitId, 's2');
  t.is(a?.districtUnitId, 'd1');
  // A code below the street level still finds the street; a district code only the district.
  t.is(resolveArea(input({ areaCode: '369902001017' }), cat)?.streetUnitId, 's1');
  const d = resolveArea(input({ areaCode: '369902' }), cat);
  t.is(d?.streetUnitId, null);
  t.is(d?.districtUnitId, 'd1');
  const r = route(input({ content: '楼下广场舞噪音很大', type: 'complaint', areaCode: '369902002' }), cat);
  t.is(r.lead?.unitId, 's2');
  t.is(r.decision, 'dispatch');
});

test('area from a map point: point in polygon', (t) => {
  const cat = city([noise]);
  const a = resolveArea(input({ point: { lng: 116.031, lat: 29.705 } }), cat);
  t.is(a?.via, 'point');
  t.is(a?.streetUnitId, 's2');
  t.is(resolveArea(input({ point: { lng: 116.2, lat: 29.9 } }), cat), null, 'outside every polygon and no address');
  const r = route(input({ content: '这里广场舞噪音扰民', type: 'complaint', point: { lng: 115.995, lat: 29.698 } }), cat);
  t.is(r.lead?.unitId, 's1');
});

test('area from the address: the longest place name wins', (t) => {
  const cat = city([noise]);
  // 湖滨路 (s1) and 东湖区 (d1) are in the text too, but 湖滨路幸福里 is longer.
  const a = resolveArea(input({ address: '东湖区湖滨路幸福里3栋' }), cat);
  t.is(a?.via, 'address');
  t.is(a?.matched, '湖滨路幸福里');
  t.is(a?.streetUnitId, 's2');
  t.is(resolveArea(input({ address: '东湖区湖滨路88号' }), cat)?.streetUnitId, 's1');
  t.is(resolveArea(input({ address: '东湖区某某大厦' }), cat)?.streetUnitId, null);
  t.is(resolveArea(input({ address: '东湖区某某大厦' }), cat)?.districtUnitId, 'd1');
  // Without an address, a place named in the content counts (weaker: via content).
  const c = resolveArea(input({ content: '湖滨那边的垃圾没人收' }), cat);
  t.is(c?.via, 'content');
  t.is(c?.streetUnitId, 's1');
});

test('territorial rules: to the street, or to the district', (t) => {
  const cat = city([noise, enrol, leak]);
  const s = route(input({ content: '广场舞噪音扰民', type: 'complaint', categoryCode: '050301', address: '东湖区东门街道' }), cat);
  t.is(s.lead?.unitId, 's2');
  t.is(s.decision, 'dispatch');
  const d = route(input({ content: '咨询学区划片', type: 'consult', categoryCode: '080102', address: '东湖区湖滨路' }), cat);
  t.is(d.lead?.unitId, 'd1', 'district-level matters go to the district of the street');
  // A street rule with only a district known goes to the district.
  const only = route(input({ content: '广场舞噪音扰民', type: 'complaint', categoryCode: '050301', address: '东湖区' }), cat);
  t.is(only.lead?.unitId, 'd1');
  // A territorial rule without any place parks for a dispatcher.
  const none = route(input({ content: '广场舞噪音扰民', type: 'complaint', categoryCode: '050301' }), cat);
  t.is(none.decision, 'park');
  t.is(none.lead, null);
  // A department rule needs no place.
  const dept = route(input({ content: '开发商延期交房', type: 'complaint', categoryCode: '010203' }), cat);
  t.is(dept.lead?.unitId, 'zjj');
  t.is(dept.decision, 'dispatch');
});

test('兜底: what no rule owns goes to the district of the place, else to a dispatcher', (t) => {
  const cat = city([noise]);
  const r = route(input({ content: '小区手机信号很差', address: '东湖区湖滨路' }), cat);
  t.is(r.lead?.unitId, 'd1');
  t.is(r.decision, 'dispatch');
  t.true(r.explanation.some((e) => e.includes('兜底')));
  const viaContent = route(input({ content: '湖滨这边手机信号很差' }), cat);
  t.is(viaContent.lead?.unitId, 'd1');
  t.true(viaContent.confidence < r.confidence, 'a place found only in the content is weaker');
  const nowhere = route(input({ content: '手机信号很差' }), cat);
  t.is(nowhere.decision, 'park');
  t.is(nowhere.lead, null);
});

test('rules that disagree lower the confidence and park the ticket', (t) => {
  const a = rule({ id: 'a', target: { kind: 'unit', unitId: 'zjj' }, keywords: ['电梯'] });
  const b = rule({ id: 'b', target: { kind: 'unit', unitId: 'scj' }, keywords: ['电梯'] });
  const alone = route(input({ content: '电梯经常出故障' }), city([a]));
  t.is(alone.decision, 'dispatch');
  const both = route(input({ content: '电梯经常出故障' }), city([a, b]));
  t.is(both.decision, 'park');
  t.true(both.confidence < alone.confidence);
  t.truthy(both.lead, 'the dispatcher still gets a suggestion');
  t.true(both.explanation.some((e) => e.includes('分歧')));
  // The operator's subject settles it.
  const chosen = route(input({ content: '电梯经常出故障', categoryCode: '040401' }), city([a, { ...b, categoryPrefixes: ['0404'] }]));
  t.is(chosen.lead?.unitId, 'scj');
  t.is(chosen.decision, 'dispatch');
});

test('a complaint about a unit or its staff goes to supervision, never to the unit', (t) => {
  const cat = city([leak]);
  const r = route(
    input({ content: '市住建局窗口工作人员态度恶劣，开发商的问题反映了三次都被推诿', type: 'complaint', categoryCode: '010201', address: '东湖区湖滨路' }),
    cat,
  );
  t.is(r.lead?.unitId, 'sup');
  t.not(r.lead?.unitId, 'zjj');
  t.is(r.decision, 'dispatch');
  const street = route(input({ content: '湖滨街道办工作人员一直推诿，不作为', type: 'complaint' }), cat);
  t.is(street.lead?.unitId, 'sup');
  // Only complaints: a consultation naming the unit goes to the matter's owner.
  const consult = route(input({ content: '住建局工作人员说开发商要先备案，怎么办', type: 'consult', categoryCode: '010201' }), cat);
  t.is(consult.lead?.unitId, 'zjj');
  // A place name is an address, not the unit: 东湖区 in a complaint about a company's staff.
  const company = route(input({ content: '东湖区湖滨路幸福里开发商工作人员态度恶劣', type: 'complaint', categoryCode: '010201' }), cat);
  t.is(company.lead?.unitId, 'zjj');
  // The unit asked to act is not the one complained about.
  const addressee = route(input({ content: '开发商售楼员态度恶劣，请住建局调查处理', type: 'complaint', categoryCode: '010201' }), cat);
  t.is(addressee.lead?.unitId, 'zjj');
});

test('excludeKeywords keep two matters that share a word apart', (t) => {
  const life = rule({ id: 'life', target: STREET, keywords: ['噪音'], excludeKeywords: ['施工', '工厂'] });
  const site = rule({ id: 'site', target: { kind: 'unit', unitId: 'zjj' }, keywords: ['施工'] });
  const cat = city([life, site]);
  t.is(route(input({ content: '楼下噪音太大', address: '东湖区东门街道' }), cat).lead?.unitId, 's2');
  const r = route(input({ content: '工地夜间施工噪音太大', address: '东湖区东门街道' }), cat);
  t.is(r.lead?.unitId, 'zjj');
  t.false(r.matched.some((m) => m.ruleId === 'life'));
});

test('an inactive rule is ignored', (t) => {
  const off = { ...leak, active: false };
  const r = route(input({ content: '开发商延期交房', categoryCode: '010203', address: '东湖区湖滨路' }), city([off]));
  t.deepEqual(r.matched, []);
  t.is(r.lead?.unitId, 'd1', 'falls to the district (兜底)');
});

test('rules limited to request types and areas apply only there', (t) => {
  const praise = rule({ id: 'praise', target: STREET, keywords: ['社区'], types: ['praise'] });
  const local = rule({ id: 'local', target: { kind: 'unit', unitId: 'scj' }, keywords: ['菜市场'], areaPrefixes: ['369902002'] });
  const cat = city([praise, local]);
  t.is(route(input({ content: '感谢社区工作人员', type: 'praise', address: '东门街道' }), cat).lead?.unitId, 's2');
  t.deepEqual(route(input({ content: '感谢社区工作人员', type: 'help', address: '东门街道' }), cat).matched, []);
  t.is(route(input({ content: '菜市场脏乱', address: '东门街道' }), cat).lead?.unitId, 'scj');
  t.deepEqual(route(input({ content: '菜市场脏乱', address: '湖滨街道' }), cat).matched, []);
});

// ---------------------------------------------------------------------------
// The demo catalogue

const data = buildDemoData(new Date('2026-11-22T02:00:00Z'));
const demo = buildDemoCatalogue(data.units, data.categories);
const unitIds = new Set(data.units.map((u) => u._id));
const streets = data.units.filter((u) => u.kind === 'street');

test('demo catalogue: every unit referenced exists, rule ids are unique, categories exist', (t) => {
  const ids = demo.rules.map((r) => r.id);
  t.is(new Set(ids).size, ids.length, 'rule ids are unique');
  const codes = new Set(data.categories.map((c) => c._id));
  for (const r of demo.rules) {
    if (r.target.kind === 'unit') t.true(unitIds.has(r.target.unitId), `${r.id}: target ${r.target.unitId}`);
    for (const u of r.coUnitIds ?? []) t.true(unitIds.has(u), `${r.id}: co-unit ${u}`);
    for (const p of r.categoryPrefixes ?? []) t.true(codes.has(p), `${r.id}: category ${p}`);
    t.true(!!(r.categoryPrefixes?.length || r.keywords?.length), `${r.id} has evidence to match`);
    t.true(r.priority >= 0 && r.priority <= 100);
  }
  for (const p of demo.places) t.true(unitIds.has(p.unitId), `place ${p.name}: unit ${p.unitId}`);
  for (const a of demo.areas) t.true(unitIds.has(a.unitId), `area of ${a.unitId}`);
  for (const id of Object.keys(UNIT_ALIASES)) t.true(unitIds.has(id), `aliases of ${id}`);
  const names = demo.places.map((p) => p.name);
  t.is(new Set(names).size, names.length, 'place names are unique');
  // Level-1 categories all have a rule somewhere below them (综合事项 included).
  for (const c of data.categories.filter((x) => x.level === 1)) {
    t.true(
      demo.rules.some((r) => r.categoryPrefixes?.some((p) => p.startsWith(c._id))),
      `${c.name} has a rule`,
    );
  }
});

test('demo catalogue: every street has its polygon (around its point, not overlapping) and places', (t) => {
  for (const s of streets) {
    const own = demo.areas.filter((a) => a.unitId === s._id);
    t.is(own.length, 1, `${s._id} has one polygon`);
    const p = unitMeta(s._id).point!;
    for (const a of demo.areas) {
      const inside = booleanPointInPolygon(turfPoint([p.lng, p.lat]), turfPolygon(a.geometry.coordinates as number[][][]));
      t.is(inside, a.unitId === s._id, `${s._id}'s point vs ${a.unitId}'s polygon`);
    }
    const kinds = new Set(demo.places.filter((x) => x.unitId === s._id).map((x) => x.kind));
    t.true(kinds.has('street') && kinds.has('community') && kinds.has('road'), `${s._id} has street, community and road names`);
  }
  for (const d of data.units.filter((u) => u.kind === 'district')) {
    t.true(demo.places.some((x) => x.unitId === d._id && x.kind === 'district'), `${d._id} is in the gazetteer`);
  }
  // Every street's own address (district + street + compound) resolves to it.
  const cat = { places: demo.places, areas: demo.areas, units: routingUnits() };
  for (const s of streets) {
    const meta = unitMeta(s._id);
    for (const place of meta.places ?? []) {
      t.is(resolveArea(input({ address: `${s.shortName}${place}` }), cat)?.streetUnitId, s._id, `${s.shortName}${place}`);
    }
  }
});

function routingUnits() {
  const aliases = unitAliases(data.units);
  return data.units.map((u) => toRoutingUnit({ ...u, aliases: aliases.get(u._id) ?? [] }));
}

test('demo catalogue: an operator-chosen subject routes as the seed templates do', (t) => {
  const cat: Catalogue = { ...demo, units: routingUnits(), supervisionUnitId: 'supervision', autoDispatchAt: 0.55 };
  const byName = new Map(data.categories.filter((c) => c.level === 3).map((c) => [c.name, c]));
  // Categories whose templates route to more than one place are decided by keywords (表扬个人: bus driver or police).
  const routes = new Map<string, Set<string>>();
  const cos = new Map<string, Set<string>>();
  for (const tpl of TEMPLATES.filter((x) => !x.emergency)) {
    routes.set(tpl.category, new Set([...(routes.get(tpl.category) ?? []), tpl.route]));
    cos.set(tpl.category, new Set([...(cos.get(tpl.category) ?? []), (tpl.co ?? []).join(',')]));
  }
  const street = streets.find((s) => s._id === 'st-dh-hb')!;
  const rural = streets.find((s) => s._id === 'st-jb-cl')!;
  for (const tpl of TEMPLATES) {
    if (tpl.emergency || routes.get(tpl.category)!.size > 1) continue;
    const s = tpl.area === 'rural' ? rural : street;
    const r = route(
      { title: tpl.titles[0]!.replace(/\{\w+\}/g, ''), content: tpl.category, type: tpl.type, categoryCode: byName.get(tpl.category)!._id, address: `${s.shortName}${unitMeta(s._id).places![0]}` },
      cat,
    );
    const want = tpl.route === 'street' ? s._id : tpl.route === 'district' ? (s.parentId ?? undefined) : tpl.route;
    t.is(r.lead?.unitId, want, `${tpl.key} (${tpl.category}) → ${want}: ${r.explanation.join('；')}`);
    t.is(r.decision, 'dispatch', `${tpl.key} is dispatched automatically`);
    // Co-handling by subject alone where all its templates agree (工地欠薪 adds 住建 by keywords: 农民工, 包工头).
    if (cos.get(tpl.category)!.size > 1) continue;
    for (const co of (tpl.co ?? []).filter((c) => c !== 'street')) t.true(r.coUnits.some((u) => u.unitId === co), `${tpl.key}: co-unit ${co}`);
  }
});

test('routing cases: 300+, every level-1 category, every district, known units', (t) => {
  const cases = buildRoutingCases(data.units, data.categories);
  t.true(cases.length >= 300);
  t.is(new Set(cases.map((c) => c.id)).size, cases.length, 'case ids are unique');
  for (const c of cases) t.true(unitIds.has(c.expectedUnitId), `${c.id}: ${c.expectedUnitId}`);
  const withCat = cases.filter((c) => c.categoryCode).length;
  t.true(withCat > cases.length * 0.4 && withCat < cases.length * 0.6, 'about half with an operator-chosen category');
  const level1 = new Set(cases.flatMap((c) => (c.categoryCode ? [c.categoryCode.slice(0, 2)] : [])));
  for (const c of data.categories.filter((x) => x.level === 1)) t.true(level1.has(c._id), `cases cover ${c.name}`);
  const districtOf = new Map(data.units.map((u) => [u._id, u.kind === 'district' ? u._id : u.kind === 'street' ? u.parentId : null]));
  const districts = new Set(cases.map((c) => districtOf.get(c.expectedUnitId)).filter(Boolean));
  for (const d of data.units.filter((u) => u.kind === 'district')) t.true(districts.has(d._id), `cases cover ${d.shortName}`);
  t.true(cases.some((c) => c.expectedUnitId === 'supervision'));
});

test('a rule naming a unit that no longer exists parks the ticket instead of stranding it', (t) => {
  const d = route(
    { content: '小区电梯坏了', type: 'help' },
    {
      rules: [{ id: 'r', name: '电梯', priority: 50, keywords: ['电梯'], target: { kind: 'unit', unitId: 'gone' }, active: true }],
      places: [],
      areas: [],
      units: [{ unitId: 'dist-a', unitName: '东湖区', kind: 'district', parentId: null, ancestors: [] }],
      supervisionUnitId: null,
      autoDispatchAt: 0.55,
    },
  );
  t.is(d.decision, 'park');
  t.is(d.lead, null);
  t.regex(d.explanation.join(' '), /不存在或已停用/);
});
