import type { Types } from 'mongoose';
import type { UnitKind } from '../../server/data/models/unit.ts';
import { Rng, mobile, uniqueName } from './random.ts';

/**
 * The demo city 江州市 (fictional) as a unit tree: the 12345 center, the
 * supervision office, city departments, public enterprises, and districts
 * with their streets/towns. Area codes use the unused prefix 3699 so they
 * never collide with a real city.
 *
 * Top-level units have no parent: the center is not the parent of the
 * departments (a ticket's scope must not reach the center through the tree).
 */

/** A unit document as inserted (same fields as the Unit model). */
export interface SeedUnit {
  _id: string;
  name: string;
  shortName: string;
  kind: UnitKind;
  parentId: string | null;
  ancestors: string[];
  areaCode?: string;
  chief: { name: string; phone: string };
  handlerA: Types.ObjectId | null;
  handlerB: Types.ObjectId | null;
  active: boolean;
}

/** Seed-only facts about a unit that the unit document does not hold. */
export interface UnitMeta {
  /** Login prefix of the unit's users: `${login}_a`, `${login}_b`. */
  login: string;
  /** Streets: roads, residential compounds (or villages) and a map point, for ticket addresses. */
  roads?: string[];
  places?: string[];
  rural?: boolean;
  point?: { lng: number; lat: number };
  /** Districts: how much of the city's call volume comes from there. */
  weight?: number;
}

interface UnitSpec extends UnitMeta {
  id: string;
  name: string;
  shortName: string;
  kind: UnitKind;
  parentId?: string;
  areaCode?: string;
}

export const CITY_NAME = '江州市';
export const CENTER_ID = 'center';
export const SUPERVISION_ID = 'supervision';

const HOTLINE_UNITS: UnitSpec[] = [
  { id: CENTER_ID, name: '江州市12345政务服务便民热线中心', shortName: '12345热线中心', kind: 'center', login: 'center' },
  { id: SUPERVISION_ID, name: '江州市人民政府督查室', shortName: '市政府督查室', kind: 'supervision', login: 'dcs' },
];

const DEPARTMENTS: UnitSpec[] = [
  { id: 'dept-zjj', name: '江州市住房和城乡建设局', shortName: '市住建局', kind: 'department', login: 'zjj' },
  { id: 'dept-jtj', name: '江州市交通运输局', shortName: '市交通运输局', kind: 'department', login: 'jtj' },
  { id: 'dept-scj', name: '江州市市场监督管理局', shortName: '市市场监管局', kind: 'department', login: 'scj' },
  { id: 'dept-rsj', name: '江州市人力资源和社会保障局', shortName: '市人社局', kind: 'department', login: 'rsj' },
  { id: 'dept-sthj', name: '江州市生态环境局', shortName: '市生态环境局', kind: 'department', login: 'sthj' },
  { id: 'dept-cgj', name: '江州市城市管理局', shortName: '市城管局', kind: 'department', login: 'cgj' },
  { id: 'dept-gaj', name: '江州市公安局', shortName: '市公安局', kind: 'department', login: 'gaj' },
  { id: 'dept-gaj-jj', name: '江州市公安局交通警察支队', shortName: '市交警支队', kind: 'department', parentId: 'dept-gaj', login: 'jj' },
  { id: 'dept-jyj', name: '江州市教育局', shortName: '市教育局', kind: 'department', login: 'jyj' },
  { id: 'dept-wjw', name: '江州市卫生健康委员会', shortName: '市卫健委', kind: 'department', login: 'wjw' },
  { id: 'dept-zrzy', name: '江州市自然资源和规划局', shortName: '市自然资源和规划局', kind: 'department', login: 'zrzy' },
  { id: 'dept-swj', name: '江州市水务局', shortName: '市水务局', kind: 'department', login: 'swj' },
  { id: 'dept-mzj', name: '江州市民政局', shortName: '市民政局', kind: 'department', login: 'mzj' },
  { id: 'dept-ybj', name: '江州市医疗保障局', shortName: '市医保局', kind: 'department', login: 'ybj' },
  { id: 'dept-wlj', name: '江州市文化广电和旅游局', shortName: '市文广旅局', kind: 'department', login: 'wlj' },
  { id: 'dept-nyj', name: '江州市农业农村局', shortName: '市农业农村局', kind: 'department', login: 'nyj' },
  { id: 'dept-swuj', name: '江州市商务局', shortName: '市商务局', kind: 'department', login: 'swuj' },
  { id: 'dept-yjj', name: '江州市应急管理局', shortName: '市应急管理局', kind: 'department', login: 'yjj' },
  { id: 'dept-tax', name: '国家税务总局江州市税务局', shortName: '市税务局', kind: 'department', login: 'tax' },
  { id: 'dept-gjj', name: '江州市住房公积金管理中心', shortName: '市公积金中心', kind: 'department', login: 'gjj' },
  { id: 'dept-sjj', name: '江州市数据局', shortName: '市数据局', kind: 'department', login: 'sjj' },
  { id: 'dept-fgw', name: '江州市发展和改革委员会', shortName: '市发改委', kind: 'department', login: 'fgw' },
  { id: 'dept-sfj', name: '江州市司法局', shortName: '市司法局', kind: 'department', login: 'sfj' },
  { id: 'dept-tyjr', name: '江州市退役军人事务局', shortName: '市退役军人事务局', kind: 'department', login: 'tyjr' },
];

const ENTERPRISES: UnitSpec[] = [
  { id: 'ent-gdgs', name: '国网江州供电公司', shortName: '江州供电公司', kind: 'enterprise', login: 'gdgs' },
  { id: 'ent-zls', name: '江州市自来水有限责任公司', shortName: '市自来水公司', kind: 'enterprise', login: 'zls' },
  { id: 'ent-rq', name: '江州燃气集团有限公司', shortName: '江州燃气集团', kind: 'enterprise', login: 'rq' },
  { id: 'ent-gj', name: '江州市公共交通集团有限公司', shortName: '市公交集团', kind: 'enterprise', login: 'gj' },
];

interface DistrictSpec {
  key: string;
  name: string;
  areaCode: string;
  weight: number;
  point: { lng: number; lat: number };
  streets: Array<{ key: string; name: string; roads: string[]; places: string[]; rural?: boolean }>;
}

const DISTRICTS: DistrictSpec[] = [
  {
    key: 'dh',
    name: '东湖区',
    areaCode: '369902',
    weight: 30,
    point: { lng: 116.012, lat: 29.705 },
    streets: [
      { key: 'hb', name: '湖滨街道', roads: ['湖滨路', '柳岸街', '沿湖大道'], places: ['柳岸小区', '湖滨花园', '锦绣湖滨', '湖滨新村', '水岸华庭'] },
      { key: 'dm', name: '东门街道', roads: ['东门大街', '解放路', '府前街'], places: ['东门新村', '府前小区', '粮站宿舍', '百货大楼家属院'] },
      { key: 'qy', name: '青云街道', roads: ['青云路', '文昌路', '学府路'], places: ['青云小区', '文昌苑', '书香门第', '教师新村'] },
      { key: 'ty', name: '桃园街道', roads: ['桃园路', '建设路', '纺织路'], places: ['桃园新村', '纺织厂宿舍', '建设小区', '桃源雅居'] },
    ],
  },
  {
    key: 'jb',
    name: '江北区',
    areaCode: '369903',
    weight: 22,
    point: { lng: 116.035, lat: 29.752 },
    streets: [
      { key: 'lj', name: '临江街道', roads: ['临江大道', '滨江路', '码头街'], places: ['临江花园', '江景湾', '老码头小区', '滨江一号'] },
      { key: 'bh', name: '北湖街道', roads: ['北湖路', '长虹路', '工业大道'], places: ['北湖人家', '长虹小区', '机械厂宿舍', '北湖公馆'] },
      { key: 'wj', name: '望江街道', roads: ['望江路', '江北大道', '胜利路'], places: ['望江苑', '胜利新村', '江北家园', '金色港湾'] },
      { key: 'cl', name: '长岭镇', roads: ['长岭大道', '岭南路'], places: ['长岭村', '上塘村', '岭下村', '长岭镇集镇'], rural: true },
    ],
  },
  {
    key: 'ns',
    name: '南山区',
    areaCode: '369904',
    weight: 20,
    point: { lng: 115.985, lat: 29.661 },
    streets: [
      { key: 'ns', name: '南山街道', roads: ['南山路', '环山路', '南门大街'], places: ['南山小区', '环山花园', '南门新村', '山水人家'] },
      { key: 'bs', name: '白沙街道', roads: ['白沙路', '白沙洲大道', '沙湖路'], places: ['白沙小区', '沙湖雅苑', '白沙洲家园', '御景园'] },
      { key: 'jq', name: '金桥街道', roads: ['金桥路', '商城路', '人民南路'], places: ['金桥花园', '商城小区', '阳光100', '金桥丽景'] },
      { key: 'ml', name: '梅岭镇', roads: ['梅岭大道', '梅溪路'], places: ['梅岭村', '梅溪村', '茶园村', '梅岭镇集镇'], rural: true },
    ],
  },
  {
    key: 'yx',
    name: '云溪区',
    areaCode: '369905',
    weight: 14,
    point: { lng: 115.948, lat: 29.712 },
    streets: [
      { key: 'yx', name: '云溪街道', roads: ['云溪路', '溪畔路', '西环路'], places: ['云溪小区', '溪畔人家', '西苑小区', '云溪花园'] },
      { key: 'xq', name: '新桥街道', roads: ['新桥路', '化工路', '站前路'], places: ['新桥小区', '化工厂宿舍', '站前花园', '铁路新村'] },
      { key: 'hy', name: '花园街道', roads: ['花园路', '丁香路', '紫荆路'], places: ['花园新村', '丁香苑', '紫荆花城', '碧桂园'] },
    ],
  },
  {
    key: 'gx',
    name: '江州高新区',
    areaCode: '369971',
    weight: 9,
    point: { lng: 116.071, lat: 29.683 },
    streets: [
      { key: 'kc', name: '科创街道', roads: ['科创大道', '创新路', '软件园路'], places: ['人才公寓', '科创城小区', '软件园', '创新家园'] },
      { key: 'lw', name: '龙湾街道', roads: ['龙湾路', '高新大道', '光谷路'], places: ['龙湾名都', '龙湾安置小区', '高新花园', '光谷小区'] },
      { key: 'fg', name: '丰谷街道', roads: ['丰谷路', '产业大道'], places: ['丰谷安置小区', '丰谷村', '产业园宿舍', '丰谷嘉园'] },
    ],
  },
  {
    key: 'qy',
    name: '青阳县',
    areaCode: '369921',
    weight: 5,
    point: { lng: 115.803, lat: 29.598 },
    streets: [
      { key: 'cg', name: '城关镇', roads: ['人民路', '青阳大道', '县前街'], places: ['县城新区', '城关小区', '青阳花园', '县前街老街'] },
      { key: 'sm', name: '石门镇', roads: ['石门街', '石门大道'], places: ['石门村', '茶山村', '下湾村', '石门镇集镇'], rural: true },
      { key: 'sh', name: '双河镇', roads: ['双河路', '河西街'], places: ['双河村', '河东村', '柳林村', '双河镇集镇'], rural: true },
      { key: 'yl', name: '杨柳乡', roads: ['杨柳路'], places: ['杨柳村', '枫树村', '大塘村'], rural: true },
      { key: 'gh', name: '桂花镇', roads: ['桂花大道', '老街'], places: ['桂花村', '新塘村', '竹林村', '桂花镇集镇'], rural: true },
    ],
  },
];

function districtSpecs(): UnitSpec[] {
  const out: UnitSpec[] = [];
  for (const d of DISTRICTS) {
    const districtId = `dist-${d.key}`;
    out.push({
      id: districtId,
      name: d.key === 'gx' ? '江州高新技术产业开发区管委会' : `${CITY_NAME}${d.name}人民政府`,
      shortName: d.name,
      kind: 'district',
      areaCode: d.areaCode,
      login: d.key,
      weight: d.weight,
      point: d.point,
    });
    d.streets.forEach((s, i) => {
      const isTown = s.name.endsWith('镇') || s.name.endsWith('乡');
      out.push({
        id: `st-${d.key}-${s.key}`,
        name: isTown ? `${d.name}${s.name}人民政府` : `${d.name}${s.name}办事处`,
        shortName: `${d.name}${s.name}`,
        kind: 'street',
        parentId: districtId,
        areaCode: `${d.areaCode}${String(i + 1).padStart(3, '0')}`,
        login: `${d.key}${s.key}`,
        roads: s.roads,
        places: s.places,
        rural: s.rural ?? false,
        point: { lng: d.point.lng + (i - 1.5) * 0.011, lat: d.point.lat + ((i % 2) - 0.5) * 0.013 },
      });
    });
  }
  return out;
}

const ALL_SPECS: UnitSpec[] = [...HOTLINE_UNITS, ...DEPARTMENTS, ...ENTERPRISES, ...districtSpecs()];

/** Seed-only facts of every unit, by id. */
export const UNIT_META: ReadonlyMap<string, UnitMeta> = new Map(
  ALL_SPECS.map((s) => {
    const { id, name: _n, shortName: _s, kind: _k, parentId: _p, areaCode: _a, ...meta } = s;
    return [id, meta];
  }),
);

export function unitMeta(id: string): UnitMeta {
  const m = UNIT_META.get(id);
  if (!m) throw new Error(`unknown seed unit ${id}`);
  return m;
}

/**
 * The unit documents, parents before children, with `ancestors` (root first)
 * and a chief representative (首席代表) per unit. handlerA/handlerB are null
 * here; buildDemoUsers fills them in.
 */
export function buildDemoUnits(): SeedUnit[] {
  const rng = new Rng(0x2345_0001);
  const taken = new Set<string>();
  const byId = new Map<string, SeedUnit>();
  const out: SeedUnit[] = [];
  for (const s of ALL_SPECS) {
    const parent = s.parentId ? byId.get(s.parentId) : undefined;
    if (s.parentId && !parent) throw new Error(`unit ${s.id}: parent ${s.parentId} must come first`);
    const chief = uniqueName(rng, taken);
    const unit: SeedUnit = {
      _id: s.id,
      name: s.name,
      shortName: s.shortName,
      kind: s.kind,
      parentId: s.parentId ?? null,
      ancestors: parent ? [...parent.ancestors, parent._id] : [],
      ...(s.areaCode ? { areaCode: s.areaCode } : {}),
      chief: { name: chief.full, phone: mobile(rng) },
      handlerA: null,
      handlerB: null,
      active: true,
    };
    byId.set(unit._id, unit);
    out.push(unit);
  }
  return out;
}
