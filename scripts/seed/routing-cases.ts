import type { RequestType } from '../../server/domain/ticket.ts';
import type { SeedCategory } from './categories.ts';
import { Rng } from './random.ts';
import { HOSPITALS, RESTAURANTS, SHOPS, COMPANIES, BUS_LINES } from './ticket-templates.ts';
import { SUPERVISION_ID, unitMeta, type SeedUnit } from './units.ts';

/**
 * A labelled set of requests for measuring the dispatch catalogue
 * (scripts/eval/routing.ts): what citizens and operators write, and the unit
 * that must get each one. About half are calls recorded by an operator, who
 * chose a subject from the dictionary; the other half are web/WeChat
 * messages in the citizen's own words, without a subject (the classifier
 * suggests one).
 *
 * Written for this project (no outside data). Generated from per-matter
 * phrasings filled with the demo city's places (both styles, with and
 * without an address or a map point), plus hand-written hard cases: no
 * address, two possible departments, roads and compounds of different
 * streets in one address, complaints about a unit's staff (督查室, never the
 * unit), matters no rule owns (兜底 to the district), praise.
 *
 * Pure and deterministic. Never part of the classifier's training data.
 */

export interface RoutingCase {
  id: string;
  channel: 'phone' | 'web';
  type: RequestType;
  title: string;
  content: string;
  address?: string;
  point?: { lng: number; lat: number };
  /** The operator's subject (dictionary code); absent for web messages. */
  categoryCode?: string;
  expectedUnitId: string;
  /** What the case exercises, for the summary (matter key or a hard-case tag). */
  tag: string;
}

type Expect = 'street' | 'district' | (string & {});
type Area = 'urban' | 'rural' | 'any' | 'none';

/** [title, content] with placeholders. */
type Text = readonly [string, string];

interface Matter {
  key: string;
  /** The subject an operator picks (level-3 name). */
  cat: string;
  type: RequestType;
  expect: Expect;
  area: Area;
  /** Operator's records (third person). */
  phone: Text[];
  /** Citizen's own words (web/WeChat). */
  web: Text[];
  n: number;
}

// Placeholders: {district} {street} {place} {road} {road2} {b} {addr} {school} {hospital} {shop}
// {restaurant} {company} {bus} {days} {amount} {n}
const MATTERS: Matter[] = [
  // ---------------------------------------------------------------- 城乡建设
  {
    key: 'lift', cat: '电梯故障', type: 'help', expect: 'street', area: 'urban', n: 6,
    phone: [
      ['{place}{b}电梯反复停运', '来电人反映：{addr}{b}的电梯这个月坏了三四次，前天晚上还把一位老人困在里面半个多小时。物业每次只是重启了事，没有彻底检修。诉求：督促物业和维保公司彻底修好电梯。'],
      ['{place}电梯故障停用{days}天', '市民来电称，{addr}{b}2单元电梯停用已经{days}天，物业说在等厂家配件，楼里有坐轮椅的老人下不了楼。希望尽快修复。'],
    ],
    web: [
      ['我们楼电梯又坏了', '{place}{b}的电梯三天两头出故障，上周我女儿放学被困在电梯里，按警铃半天没人应。物业收了钱不干事，请有关部门管一管，电梯安全不能儿戏。'],
      ['电梯异响抖动很吓人', '住在{road}{place}，我们单元电梯运行时咔咔响还会突然抖一下，好几个邻居都不敢坐了，跟物业说了两次都说没问题。请安排人来看看。'],
    ],
  },
  {
    key: 'property-fee', cat: '物业收费', type: 'complaint', expect: 'street', area: 'urban', n: 4,
    phone: [
      ['{place}物业费上涨未经业主同意', '来电人反映：{addr}物业公司贴出通知，下月起物业费从每平米1.1元涨到1.6元，没有开业主大会，也没有公示收支账目。诉求：核查涨价是否合规。'],
    ],
    web: [
      ['物业乱收停车费', '{place}物业今年开始对地面车位每月收150元停车管理费，地面是全体业主共有的，物业凭什么收钱？不交就不让车进小区。请相关部门核查。'],
      ['物业费收了服务不见提高', '我是{place}业主，物业费一年一涨，问收支明细物业一直不公布，业委会也形同虚设。希望有关部门督促物业公开账目。'],
    ],
  },
  {
    key: 'property-service', cat: '物业服务质量', type: 'complaint', expect: 'street', area: 'urban', n: 5,
    phone: [
      ['{place}物业服务差', '来电人反映：{addr}楼道灯坏了两个月没人修，地下车库长期积着污水发臭，绿化带杂草丛生，物业公司却照常收费。诉求：督促物业整改。'],
      ['{place}门禁坏了保安不在岗', '来电人称{addr}小区大门门禁坏了一个多月，外人随便进出，最近有好几户的快递和电瓶被偷，夜里门岗经常没人。要求物业加强管理。'],
    ],
    web: [
      ['小区物业形同虚设', '{place}的物业真是一言难尽，楼道堆满杂物没人清，单元门坏了不修，打物业电话永远没人接。我们每年物业费一分不少，希望街道管一管物业公司。'],
    ],
  },
  {
    key: 'maintenance-fund', cat: '公共维修资金', type: 'consult', expect: 'dept-zjj', area: 'urban', n: 3,
    phone: [['咨询维修资金如何申请使用', '来电人咨询：{addr}{b}外墙瓷砖脱落，想用住宅专项维修资金维修，需要多少业主签字同意，去哪里申请，多久能拨款。']],
    web: [['维修基金怎么用', '我们{place}{b}楼顶防水层老化，一下雨顶楼就漏，听说可以动用维修基金，具体流程是什么？业主签字要达到什么比例？']],
  },
  {
    key: 'house-leak', cat: '房屋渗漏', type: 'complaint', expect: 'dept-zjj', area: 'urban', n: 3,
    phone: [['新房渗水开发商推脱', '来电人反映：其在{place}购买的新房交付刚半年，客厅顶棚和卫生间墙面大面积渗水发霉，开发商售后一直拖着不来维修。诉求：督促开发商履行保修义务。']],
    web: [['交房不到一年墙面开裂渗水', '去年底收的{place}新房，现在外墙一下雨就往屋里渗水，墙体也有裂缝，开发商客服只会说登记了，等通知。房子还在保修期内，请住建部门督促开发商维修。']],
  },
  {
    key: 'delayed-handover', cat: '延期交房', type: 'complaint', expect: 'dept-zjj', area: 'urban', n: 3,
    phone: [['楼盘逾期交房', '来电人反映：{district}{road}旁一个在建楼盘，合同约定今年九月交房，工地已经停工两个多月，开发商不给说法。众多业主每月还着房贷。诉求：督促开发商复工并明确交房时间。']],
    web: [['开发商延期交房不给说法', '我们在{road}买的期房早就过了交房日期，开发商一会说资金问题一会说手续问题，工地上一个工人都没有了，我们担心变成烂尾楼，请政府出面协调。']],
  },
  {
    key: 'rental-agency', cat: '房屋中介', type: 'help', expect: 'dept-zjj', area: 'urban', n: 3,
    phone: [['中介不退租房押金', '来电人反映：其通过{road}一家房屋中介公司租了{place}的房子，到期退租后中介以地板有划痕为由扣下押金{amount}元，现在电话也不接。诉求：协调退还押金。']],
    web: [['房屋中介扣押金', '在{road}的中介租的房子，合同到期正常搬走，中介找各种理由不退{amount}元押金，门店去了几次都说经理不在。这种黑中介有没有部门管？']],
  },
  {
    key: 'elevator-install', cat: '加装电梯', type: 'consult', expect: 'dept-zjj', area: 'none', n: 3,
    phone: [['咨询老楼加装电梯', '来电人咨询：家住九十年代的七层老楼，楼里老人多，想加装电梯，需要几户同意，有没有政府补贴，向哪个部门申请。']],
    web: [['老旧小区加装电梯的补贴政策', '请问我市现在老楼加装电梯还有补贴吗？一楼住户坚决反对的话还能装吗？申请流程是怎样的？']],
  },
  {
    key: 'renovation', cat: '改造进度', type: 'help', expect: 'street', area: 'urban', n: 3,
    phone: [['{place}老旧小区改造停滞', '来电人反映：{addr}纳入今年老旧小区改造，路面挖开后已停工一个多月，雨天满地泥水，老人出行摔倒过。诉求：尽快恢复施工。']],
    web: [['旧改工程拖拖拉拉', '{place}的改造从春天开始到现在还没完工，雨污管道挖了一半就不管了，小区里到处是坑，施工方也联系不上，请街道督促一下进度。']],
  },
  {
    key: 'night-construction', cat: '夜间施工', type: 'complaint', expect: 'street', area: 'urban', n: 5,
    phone: [
      ['{road}工地夜间施工扰民', '来电人反映：{district}{road}{place}对面的工地连续多天晚上十一点后还在打桩、浇筑混凝土，噪音很大，附近居民无法入睡。诉求：制止夜间施工。'],
      ['{place}旁工地凌晨施工', '来电人称{addr}旁边的工地凌晨两三点还有渣土车进出和机械作业，已经持续一周。要求相关部门查处。'],
    ],
    web: [['工地半夜施工吵得睡不着', '{place}旁边那个工地天天半夜施工，电锯声、敲击声一直到凌晨，孩子第二天要上学，老人心脏也不好。有没有夜间施工许可？请尽快处理！']],
  },
  {
    key: 'dust', cat: '施工扬尘', type: 'complaint', expect: 'street', area: 'urban', n: 3,
    phone: [['{road}工地扬尘严重', '来电人反映：{district}{road}一处拆迁工地没有覆盖防尘网，也不洒水，刮风时灰尘漫天，周边{place}居民不敢开窗。诉求：督促工地落实降尘措施。']],
    web: [['工地扬尘太大了', '{road}那个工地土方裸露不盖网，车辆出入也不冲洗，整条路都是灰，{place}的住户阳台上每天一层土，请管管。']],
  },
  {
    key: 'public-rental', cat: '公租房申请', type: 'consult', expect: 'dept-zjj', area: 'none', n: 2,
    phone: [['咨询公租房申请条件', '来电人咨询：本市户籍，家庭人均收入较低，名下无房，想申请公租房，需要什么条件和材料，排队一般要多久。']],
    web: [['外地户口能申请公租房吗', '我在江州工作三年了，一直租房住，外地户口能不能申请公租房？需要连续交社保多久？']],
  },
  // ---------------------------------------------------------------- 城市管理
  {
    key: 'garbage', cat: '垃圾清运', type: 'help', expect: 'street', area: 'urban', n: 6,
    phone: [
      ['{place}垃圾多日未清运', '来电人反映：{addr}门口垃圾点的垃圾已经三四天没人清运，堆得满地都是，天热发臭招苍蝇。诉求：尽快清运。'],
      ['{road}路边垃圾桶满溢', '来电人反映：{district}{road}靠近{place}一侧的几个垃圾桶每天都满得溢出来，周边环境很差。希望增加清运次数。'],
    ],
    web: [['垃圾没人收都臭了', '{place}北门的垃圾站已经好几天没来车拉了，垃圾堆到路上，晚上野猫野狗翻得到处都是，臭气熏天，请赶紧安排清理。']],
  },
  {
    key: 'garbage-sorting', cat: '垃圾分类', type: 'suggestion', expect: 'dept-cgj', area: 'urban', n: 2,
    phone: [['建议完善垃圾分类设施', '来电人建议：{addr}推行垃圾分类后，分类垃圾桶数量太少，厨余垃圾桶经常满溢，建议增加分类投放点和上门宣传。']],
    web: [['垃圾分类只分不收', '我们小区居民认真做了垃圾分类，可是收运车来了又把几类垃圾倒在一起拉走，这样分类还有什么意义？建议城管部门规范分类收运。']],
  },
  {
    key: 'vendors', cat: '占道经营', type: 'complaint', expect: 'street', area: 'urban', n: 5,
    phone: [
      ['{road}流动摊贩占道经营', '来电人反映：{district}{road}{place}门口每天傍晚聚集大量卖水果、小吃的流动摊贩，占用人行道和机动车道，交通堵塞、垃圾遍地。诉求：整治。'],
      ['{place}门口商户出店经营', '来电人称{addr}门口几家商户长期把货架摆到人行道上，行人只能走机动车道，很不安全。'],
    ],
    web: [['路边摆摊太乱了', '每天晚上{road}靠{place}这段全是摆摊的，烤红薯、卖衣服的把人行道占满了，推婴儿车根本过不去，请执法部门管一管。']],
  },
  {
    key: 'illegal-build', cat: '违章搭建', type: 'report', expect: 'street', area: 'urban', n: 5,
    phone: [
      ['举报{place}顶楼违建', '来电人举报：{addr}{b}顶楼住户正在楼顶搭建钢结构房屋，已经建起一层，影响楼体安全，楼下住户担心漏水。要求保密。诉求：查处违建。'],
      ['{place}一楼住户私搭乱建', '来电人反映：{addr}{b}一楼住户把院子围起来加盖了阳光房，还占用了部分公共绿地。要求相关部门拆除。'],
    ],
    web: [['举报小区违章建筑', '{place}{b}有户人家把楼顶平台围起来盖了两间房，天天在施工，物业劝不听。这属于违建吧？请执法部门尽快处理，不要等建完了再说。']],
  },
  {
    key: 'street-light', cat: '路灯故障', type: 'help', expect: 'dept-cgj', area: 'urban', n: 5,
    phone: [['{road}路灯不亮', '来电人反映：{district}{road}从{place}到{road2}路口这一段的路灯已经半个月不亮了，晚上一片漆黑，行人和电动车都很危险。诉求：尽快维修。']],
    web: [
      ['晚上路灯全黑', '{road}靠近{place}那一段的路灯连续好多天晚上都不亮，上周有个老人晚上散步摔了一跤，麻烦尽快修一下。'],
      ['路灯白天亮晚上不亮', '{road}的路灯很奇怪，白天一直亮着，到了晚上反而熄了，太浪费也不安全，请市政部门检修。'],
    ],
  },
  {
    key: 'manhole', cat: '井盖缺损', type: 'help', expect: 'dept-cgj', area: 'urban', n: 3,
    phone: [['{road}井盖破损', '来电人反映：{district}{road}{place}公交站附近有一个窨井盖破损塌陷，已经有电动车骑过时摔倒。诉求：尽快更换井盖。']],
    web: [['路上井盖丢了很危险', '{road}和{road2}交叉口旁边人行道上的井盖不见了，只放了个破桶挡着，晚上看不清很容易掉下去，请马上处理。']],
  },
  {
    key: 'road-damage', cat: '道路破损', type: 'help', expect: 'dept-cgj', area: 'urban', n: 3,
    phone: [['{road}路面坑洼', '来电人反映：{district}{road}{place}门口路段路面坑洼不平，有好几个大坑，下雨积水看不见，车辆经过颠簸严重。诉求：修补路面。']],
    web: [['人行道砖松动翘起', '{road}的人行道道板砖大面积松动，一踩就溅一腿泥水，还有几块翘起来绊倒过人，请尽快修复。']],
  },
  {
    key: 'tree', cat: '树木修剪', type: 'help', expect: 'dept-cgj', area: 'urban', n: 3,
    phone: [['{road}行道树需修剪', '来电人反映：{district}{road}{place}门口的行道树枝叶过密，已经挡住路灯和交通标志，树枝还伸进了居民窗户。诉求：安排修剪。']],
    web: [['路边大树树枝快断了', '{road}靠{place}的一棵大树有根粗树枝裂开了，挂在人行道上方，刮风时晃得厉害，怕砸到人，请园林部门尽快处理。']],
  },
  {
    key: 'bbq', cat: '露天烧烤', type: 'complaint', expect: 'street', area: 'urban', n: 3,
    phone: [['{place}楼下露天烧烤扰民', '来电人反映：{addr}楼下有几家烧烤摊每晚在人行道上摆桌经营到凌晨，烟熏得楼上没法开窗，食客喝酒喧哗。诉求：取缔露天烧烤。']],
    web: [['楼下烧烤摊每天搞到半夜', '{road}{place}楼下那几家烧烤一到晚上就把桌子摆到路边，烟全往我们家飘，划拳声吵到两点，投诉多少次了还是老样子。']],
  },
  {
    key: 'fumes', cat: '油烟扰民', type: 'complaint', expect: 'street', area: 'urban', n: 4,
    phone: [['{place}底商饭店油烟扰民', '来电人反映：{addr}{b}一楼新开的{restaurant}排烟管道直接对着住宅楼，没有装油烟净化器，油烟味很重，楼上居民衣服都不能晾。诉求：督促整改。']],
    web: [['饭店油烟直排', '我家住在{place}{b}，楼下饭店的油烟管直接通到我家窗户下面，每天中午晚上油烟呛得人咳嗽，厨房窗户都不敢开，请有关部门处理。']],
  },
  {
    key: 'ads', cat: '小广告', type: 'help', expect: 'street', area: 'urban', n: 2,
    phone: [['{place}楼道小广告泛滥', '来电人反映：{addr}楼道和单元门上贴满了开锁、通下水道的小广告，清了又贴。希望加强整治。']],
    web: [['到处是牛皮癣广告', '{place}附近的电线杆、墙上全是牛皮癣小广告，喷的电话号码到处都是，影响市容，请处理。']],
  },
  // ---------------------------------------------------------------- 交通出行
  {
    key: 'bus-route', cat: '公交线路', type: 'suggestion', expect: 'ent-gj', area: 'urban', n: 4,
    phone: [['建议{bus}公交延长末班车时间', '来电人建议：{bus}公交末班车晚上八点半就收车，{place}一带很多上班族加班回来已经没车了，建议末班车延长到十点。']],
    web: [
      ['建议开通到{road}的公交线路', '{place}入住的居民越来越多，但最近的公交站要走二十分钟，建议新开一条公交线路或者调整现有线路经过{road}。'],
      ['{bus}公交车间隔太长', '早高峰{bus}公交车要等半个小时才来一趟，来了还挤不上去，建议高峰期加密班次。'],
    ],
  },
  {
    key: 'bus-service', cat: '公交服务', type: 'complaint', expect: 'ent-gj', area: 'urban', n: 3,
    phone: [['{bus}公交车甩站', '来电人反映：其今天早上在{road}站等{bus}公交车，车上人不多，司机没有停靠直接开走了，导致其上班迟到。诉求：对司机进行教育。']],
    web: [['公交车司机开车太猛', '今天坐{bus}公交车，司机一路急刹急加速，车上老人差点摔倒，有乘客提醒他还骂人。希望对这位司机批评教育。']],
  },
  {
    key: 'taxi', cat: '出租车拒载', type: 'complaint', expect: 'dept-jtj', area: 'urban', n: 3,
    phone: [['出租车拒载', '来电人反映：其昨晚在江州火车站出站口打车，一辆出租车（车牌号{plate}）听说去{road}距离近，拒绝载客。诉求：查处拒载行为。']],
    web: [['出租车不打表还绕路', '昨天晚上从{road}打出租车回家，司机不打表，开口就要五十块，平时才二十多。还故意绕路。车牌{plate}，请交通部门处理。']],
  },
  {
    key: 'parking', cat: '违法停车', type: 'help', expect: 'dept-gaj-jj', area: 'urban', n: 4,
    phone: [['{road}车辆乱停堵路', '来电人反映：{district}{road}{place}门口路段两侧长期有车辆违停，双向只剩一条车道，早晚高峰堵得水泄不通。诉求：加强违停治理。']],
    web: [['车停在路口挡视线', '{road}和{road2}路口每天都有车违章停车，挡住了转弯视线，差点撞到人，请交警来贴条。']],
  },
  {
    key: 'signal', cat: '信号灯故障', type: 'help', expect: 'dept-gaj-jj', area: 'urban', n: 3,
    phone: [['{road}路口红绿灯故障', '来电人反映：{district}{road}与{road2}交叉口的红绿灯从今天早上开始一直黄灯闪烁，车辆抢行，非常混乱。诉求：尽快修复。']],
    web: [['信号灯时间设置不合理', '{road}路口左转绿灯只有十几秒，一次只能过三四辆车，每天排长队，建议调整信号灯配时。']],
  },
  {
    key: 'county-road', cat: '公路破损', type: 'help', expect: 'dept-jtj', area: 'rural', n: 2,
    phone: [['{road}公路路面破损', '来电人反映：{district}{street}境内的县道靠近{place}一段路面坑洼严重，大货车经过尘土飞扬，小车底盘经常被刮。诉求：维修公路。']],
    web: [['县道坑多难走', '从{place}出来上县道那一段公路烂了好几年了，大坑一个接一个，下雨天根本没法走，希望交通部门尽快修。']],
  },
  {
    key: 'shared-bike', cat: '共享单车', type: 'help', expect: 'dept-cgj', area: 'urban', n: 2,
    phone: [['{road}共享单车乱停', '来电人反映：{district}{road}地铁口附近共享单车堆放成山，占满了人行道和盲道。诉求：督促企业清理。']],
    web: [['共享单车堵门口', '{place}大门口每天堆着几十辆共享单车，车都进不去，打了单车公司电话没人管。']],
  },
  {
    key: 'ebike-plate', cat: '电动车登记', type: 'consult', expect: 'dept-gaj-jj', area: 'none', n: 2,
    phone: [['咨询电动车上牌', '来电人咨询：新买了一辆电动自行车，需要到哪里上牌，要带哪些材料，旧的超标车还能不能上牌。']],
    web: [['电动车牌照怎么办', '网上买的电动车，没有合格证还能上牌吗？上牌可以在手机上预约吗？']],
  },
  {
    key: 'motorbike-noise', cat: '交通噪声', type: 'complaint', expect: 'dept-gaj-jj', area: 'urban', n: 2,
    phone: [['{road}夜间摩托车炸街', '来电人反映：每天深夜有改装摩托车在{district}{road}上飙车炸街，轰鸣声很大，附近居民被吵醒。诉求：查处。']],
    web: [['半夜改装车炸街', '最近一到半夜{road}就有几辆改装摩托车来回飙车，排气管声音震耳朵，请交警部门查一查。']],
  },
  // ---------------------------------------------------------------- 市场监管
  {
    key: 'prepaid', cat: '预付卡退费', type: 'complaint', expect: 'dept-scj', area: 'urban', n: 4,
    phone: [['{gym}关门预付卡无法退费', '来电人反映：其去年在{road}的{gym}办了{amount}元的会员卡，近期门店突然关门，老板联系不上，卡里余额无法使用。诉求：追回余额。']],
    web: [['办的会员卡店跑路了', '上个月刚在{gym}充了{amount}元，现在店门上贴了个“装修暂停营业”，老板微信也把我拉黑了，和我一样的会员有几十个，请帮我们维权。']],
  },
  {
    key: 'product-quality', cat: '商品质量', type: 'complaint', expect: 'dept-scj', area: 'urban', n: 2,
    phone: [['{shop}所售商品质量问题', '来电人反映：其在{road}{shop}购买的电饭煲使用一周就不能加热，商家拒绝退换，只同意维修。诉求：退货。']],
    web: [['买到假货商家不认', '在{shop}买的品牌洗发水，用了头皮发痒，对比了官方的包装发现是假货，商家不承认，要求有关部门查处。']],
  },
  {
    key: 'online-shopping', cat: '网购纠纷', type: 'complaint', expect: 'dept-scj', area: 'none', n: 2,
    phone: [['网购商品商家不退款', '来电人反映：其在一家本地网店购买的羽绒服与宣传不符，申请七天无理由退货被商家拒绝，平台客服也不处理。诉求：退款。']],
    web: [['直播间买的东西是三无产品', '在直播间下单的保健品收到后发现是三无产品，联系商家退款一直被拖，店铺地址显示是江州本地的，请市场监管部门处理。']],
  },
  {
    key: 'restaurant-hygiene', cat: '餐饮卫生', type: 'complaint', expect: 'dept-scj', area: 'urban', n: 3,
    phone: [['{restaurant}卫生差', '来电人反映：其昨晚在{road}{restaurant}吃饭，菜里吃出了头发和虫子，后厨地面油污很重，商家态度敷衍。诉求：检查该店食品卫生。']],
    web: [['吃完饭全家拉肚子', '周末在{road}的{restaurant}吃了一顿饭，回家后全家都上吐下泻，怀疑食物不干净，请市场监管局去查一下他们后厨。']],
  },
  {
    key: 'expired-food', cat: '过期食品', type: 'report', expect: 'dept-scj', area: 'urban', n: 2,
    phone: [['举报{shop}销售过期食品', '来电人举报：{road}{shop}货架上有多款牛奶和面包已经过期，仍在销售。诉求：查处。']],
    web: [['超市卖过期食品', '在{shop}买的酸奶回家一看过期一周了，再去看货架上还有好多过期的，店员说撕了标签就行，太不负责了。']],
  },
  {
    key: 'overcharge', cat: '价格欺诈', type: 'complaint', expect: 'dept-scj', area: 'urban', n: 2,
    phone: [['{shop}标价与结算价不符', '来电人反映：其在{road}{shop}购物，货架标价19.9元的商品结账时按29.9元收费，要求退差价被拒。诉求：查处价格欺诈。']],
    web: [['先涨价后打折', '{shop}搞促销，所谓的五折商品原价是活动前临时改高的，明显价格欺诈，请相关部门查处。']],
  },
  {
    key: 'business-license', cat: '营业执照办理', type: 'consult', expect: 'dept-scj', area: 'none', n: 2,
    phone: [['咨询个体户营业执照办理', '来电人咨询：想开一家小吃店，个体工商户营业执照在哪里办，能否网上办理，需要准备什么材料。']],
    web: [['公司注销流程', '我开的小公司不打算做了，营业执照要怎么注销？需要先去税务那边清税吗？']],
  },
  // ---------------------------------------------------------------- 劳动和社会保障
  {
    key: 'wages-site', cat: '拖欠工资', type: 'help', expect: 'dept-rsj', area: 'any', n: 4,
    phone: [['工地拖欠农民工工资', '来电人反映：其与二十多名工友在{district}{road}一处建筑工地干活，包工头拖欠工资{amount}元，项目部说工程款已经给了包工头。诉求：帮助讨薪。']],
    web: [['工地干完活不给钱', '我们在{road}的工地做木工，干了四个月，老板一直说年底结，现在人找不到了，十几个农民工的血汗钱没着落，求政府帮帮我们。']],
  },
  {
    key: 'wages-company', cat: '拖欠工资', type: 'help', expect: 'dept-rsj', area: 'any', n: 3,
    phone: [['{company}拖欠员工工资', '来电人反映：其原在{company}上班，离职已经两个月，公司一直拖欠最后两个月工资共{amount}元。诉求：督促公司支付工资。']],
    web: [['公司三个月没发工资', '我在{company}上班，公司已经连续三个月没发工资了，老板说资金周转不开，让我们再等等，我们房贷都还不上了，请劳动部门帮忙。']],
  },
  {
    key: 'labor-contract', cat: '劳动合同', type: 'consult', expect: 'dept-rsj', area: 'none', n: 2,
    phone: [['咨询不签劳动合同如何维权', '来电人咨询：入职单位半年了一直没签劳动合同，现在被口头辞退，能否要求双倍工资，应该去哪里申请劳动仲裁。']],
    web: [['试用期被辞退有补偿吗', '试用期第五个月公司说我不符合录用条件让我走人，也没说具体原因，这种情况公司要给经济补偿吗？']],
  },
  {
    key: 'pension', cat: '养老保险', type: 'consult', expect: 'dept-rsj', area: 'none', n: 2,
    phone: [['咨询养老金领取', '来电人咨询：今年年底满60周岁，企业职工养老保险已交满15年，退休手续在哪里办理，养老金大概能领多少。']],
    web: [['灵活就业养老保险怎么交', '辞职后想以灵活就业人员身份继续交养老保险，在哪里办理？每月最低交多少？']],
  },
  {
    key: 'unemployment', cat: '失业保险', type: 'consult', expect: 'dept-rsj', area: 'none', n: 2,
    phone: [['咨询失业金申领', '来电人咨询：被公司裁员，已缴纳失业保险三年，失业金在哪里申请，能领几个月。']],
    web: [['失业保险金怎么领', '上个月合同到期公司没续签，听说可以领失业金，网上怎么申请？']],
  },
  {
    key: 'talent-subsidy', cat: '人才补贴', type: 'consult', expect: 'dept-rsj', area: 'none', n: 2,
    phone: [['咨询高校毕业生生活补贴', '来电人咨询：今年硕士毕业来江州工作，听说有人才生活补贴和租房补贴，申请条件和流程是什么。']],
    web: [['人才补贴一直没到账', '我三月份就提交了人才补贴申请，系统显示审核通过，但到现在钱还没发，请问什么时候发放？']],
  },
  // ---------------------------------------------------------------- 生态环境
  {
    key: 'factory-gas', cat: '工业废气', type: 'report', expect: 'dept-sthj', area: 'any', n: 3,
    phone: [['举报工厂夜间偷排废气', '来电人举报：{district}{road}附近一家化工厂每到夜里就从烟囱排放刺鼻气体，附近{place}居民闻到后喉咙不适。诉求：查处偷排。']],
    web: [['工厂排放刺鼻气味', '{road}那边的厂子最近天天晚上冒黑烟，一股塑料烧焦的味道，我们{place}开窗就能闻到，孩子一直咳嗽，请环保局去查。']],
  },
  {
    key: 'burning', cat: '露天焚烧', type: 'help', expect: 'street', area: 'rural', n: 2,
    phone: [['{place}村民焚烧秸秆', '来电人反映：{addr}有村民在田里焚烧秸秆，浓烟飘到附近住户家中。诉求：制止焚烧。']],
    web: [['村里有人烧垃圾', '{place}村口有人天天在空地上烧垃圾，塑料和废旧家具一起烧，黑烟滚滚，味道很难闻。']],
  },
  {
    key: 'river', cat: '河道污染', type: 'help', expect: 'dept-swj', area: 'any', n: 3,
    phone: [['{road}附近河道发黑发臭', '来电人反映：{district}{road}旁边的河道近期河水发黑发臭，水面漂着死鱼，怀疑有企业偷排污水。诉求：治理河道。']],
    web: [['河里死了好多鱼', '{place}旁边那条河这几天水变成了灰黑色，河面上漂着一片死鱼，臭味很大，请相关部门赶紧查查原因。']],
  },
  {
    key: 'square-dance', cat: '社会生活噪声', type: 'complaint', expect: 'street', area: 'urban', n: 5,
    phone: [
      ['{place}广场舞音响扰民', '来电人反映：{addr}小区广场每晚有人跳广场舞，音响开得很大，一直放到十点多，影响居民休息和学生学习。诉求：协调降低音量。'],
      ['{place}商户高音喇叭扰民', '来电人反映：{addr}门口一家手机店整天用高音喇叭循环播放促销广告，声音刺耳，附近住户不堪其扰。'],
    ],
    web: [['广场舞噪音太大了', '{place}楼下的广场舞每天从晚上七点跳到十点，音响声音大到关着窗都听得清清楚楚，家里孩子高三了根本没法复习，沟通多次无果。']],
  },
  {
    key: 'dumping', cat: '固废倾倒', type: 'report', expect: 'street', area: 'any', n: 2,
    phone: [['举报{road}乱倒建筑垃圾', '来电人举报：最近几天夜里有渣土车在{district}{road}{place}旁边的空地上倾倒建筑垃圾，已经堆成小山。诉求：查处。']],
    web: [['空地被倒满建筑垃圾', '{place}边上的荒地这个月被人倒了好多装修垃圾和渣土，晚上偷偷来倒，请尽快清理并查处。']],
  },
  {
    key: 'industrial-noise', cat: '工业噪声', type: 'complaint', expect: 'dept-sthj', area: 'any', n: 2,
    phone: [['{road}工厂机器噪音扰民', '来电人反映：{district}{road}一家加工厂房昼夜生产，机器轰鸣声很大，附近{place}居民晚上无法休息。诉求：整治。']],
    web: [['厂房机器声日夜不停', '我家后面的工厂冷却塔和风机二十四小时开着，嗡嗡声一直不停，我们{place}的住户快崩溃了。']],
  },
  // ---------------------------------------------------------------- 水电气
  {
    key: 'water-outage', cat: '停水', type: 'help', expect: 'ent-zls', area: 'any', n: 5,
    phone: [['{place}突然停水', '来电人反映：{addr}从今天上午开始停水，事先没有收到任何停水通知，家里老人小孩生活不便。诉求：尽快恢复供水并告知原因。']],
    web: [['又停水了也不通知', '{place}今天早上起来就没水了，物业说不知道原因，自来水公司电话一直占线，什么时候能来水？']],
  },
  {
    key: 'water-quality', cat: '水质问题', type: 'help', expect: 'ent-zls', area: 'any', n: 2,
    phone: [['{place}自来水发黄', '来电人反映：{addr}这几天自来水发黄浑浊，放一会儿底部有沉淀，不敢饮用。诉求：检测水质。']],
    web: [['水龙头流出黄水', '{place}{b}的自来水打开是黄色的，有股铁锈味，放了十几分钟还是这样，请派人检查一下管网。']],
  },
  {
    key: 'power-outage', cat: '停电', type: 'help', expect: 'ent-gdgs', area: 'any', n: 5,
    phone: [['{place}停电', '来电人反映：{addr}从昨晚十点起停电，至今未恢复，冰箱里的东西都坏了，也没有停电通知。诉求：尽快抢修。']],
    web: [['小区频繁停电', '{place}这个月已经停了四五次电了，每次几个小时，家里空调冰箱都受影响，是变压器的问题吗？请供电部门来看看。']],
  },
  {
    key: 'gas', cat: '燃气停供', type: 'help', expect: 'ent-rq', area: 'urban', n: 3,
    phone: [['{place}天然气停供', '来电人反映：{addr}从今天中午开始燃气停供，做不了饭，没有看到停气通知。诉求：尽快恢复供气。']],
    web: [['燃气表显示有钱但是没气', '{place}{b}家里燃气表充了值，灶打不着火，邻居家也一样，是不是停气了？']],
  },
  // ---------------------------------------------------------------- 教育
  {
    key: 'kindergarten', cat: '幼儿园入园', type: 'consult', expect: 'dept-jyj', area: 'none', n: 2,
    phone: [['咨询公办幼儿园报名', '来电人咨询：孩子今年9月满三周岁，公办幼儿园什么时候报名，按什么划片，普惠园收费标准是多少。']],
    web: [['幼儿园报名时间', '请问今年公办幼儿园网上报名什么时候开始？非本地户籍可以报名吗？']],
  },
  {
    key: 'school-district', cat: '小学入学', type: 'consult', expect: 'district', area: 'urban', n: 4,
    phone: [['咨询{place}对口学区', '来电人咨询：其家住{addr}，孩子明年上一年级，想了解对口的是哪所小学，户口迁入有没有年限要求。']],
    web: [['{place}划片到哪个小学', '我们家在{district}{place}，今年新买的房子，孩子明年上小学，请问学区是怎么划片的？']],
  },
  {
    key: 'migrant-children', cat: '随迁子女入学', type: 'consult', expect: 'dept-jyj', area: 'none', n: 2,
    phone: [['咨询随迁子女入学', '来电人咨询：夫妻双方都是外地户口，在江州务工多年，孩子明年上小学，随迁子女入学需要哪些材料。']],
    web: [['外地孩子在江州上学', '外地户口在江州交社保两年了，孩子上初中能在这边读吗？积分入学怎么算分？']],
  },
  {
    key: 'training-refund', cat: '培训机构退费', type: 'complaint', expect: 'dept-jyj', area: 'urban', n: 3,
    phone: [['培训机构不退费', '来电人反映：其为孩子在{road}一家英语培训机构报了两年课程，交费{amount}元，现在机构说要搬迁，剩余课时不给退。诉求：退还剩余费用。']],
    web: [['补习班拒绝退课时费', '{road}那家补习班换了老师以后教学质量很差，我想退掉剩下的课时费，机构说合同规定不能退，这合理吗？']],
  },
  {
    key: 'teacher-conduct', cat: '教师行为', type: 'complaint', expect: 'dept-jyj', area: 'urban', n: 2,
    phone: [['反映{school}教师有偿补课', '来电人反映：其孩子在{school}读书，数学老师在校外开补习班，暗示学生参加，不参加的学生上课被冷落。要求保密。诉求：调查处理。']],
    web: [['老师体罚学生', '我孩子在{school}上三年级，班主任因为作业没写完罚孩子在走廊站了一上午，还当着全班同学的面辱骂，请教育部门调查。']],
  },
  // ---------------------------------------------------------------- 医疗卫生
  {
    key: 'hospital-service', cat: '医院服务态度', type: 'complaint', expect: 'dept-wjw', area: 'none', n: 3,
    phone: [['{hospital}医生服务态度差', '来电人反映：其昨天带孩子到{hospital}看急诊，值班医生态度冷漠，问诊不到一分钟就开了一堆检查。诉求：对该医生进行批评教育。']],
    web: [['医院护士态度恶劣', '在{hospital}住院期间，夜班护士对病人家属大呼小叫，按铃半天不来，请卫健部门管一管。']],
  },
  {
    key: 'medical-reimburse', cat: '医保报销', type: 'consult', expect: 'dept-ybj', area: 'none', n: 3,
    phone: [['咨询住院医保报销比例', '来电人咨询：父亲在市级医院住院，职工医保报销比例是多少，起付线多少，出院时能否直接结算。']],
    web: [['门诊费用能报销吗', '我是城乡居民医保，在社区门诊看慢性病的费用能不能报销？需要先办慢特病认定吗？']],
  },
  {
    key: 'remote-care', cat: '异地就医备案', type: 'consult', expect: 'dept-ybj', area: 'none', n: 2,
    phone: [['咨询异地就医备案', '来电人咨询：要去上海的医院做手术，异地就医备案怎么办理，能否在手机上办。']],
    web: [['长期在外地住怎么报销', '退休后跟子女在深圳生活，看病想用江州的医保，异地备案在哪办？']],
  },
  {
    key: 'insurance-payment', cat: '医保参保缴费', type: 'consult', expect: 'dept-tax', area: 'none', n: 2,
    phone: [['咨询城乡居民医保缴费', '来电人咨询：明年的城乡居民医保缴费什么时候开始，每人交多少钱，能不能用微信缴纳。']],
    web: [['孩子的居民医保怎么交', '新生儿的城乡居民医保在哪里参保缴费？需要先上户口吗？']],
  },
  {
    key: 'vaccine', cat: '疫苗接种', type: 'consult', expect: 'dept-wjw', area: 'none', n: 2,
    phone: [['咨询宫颈癌疫苗接种', '来电人咨询：想给女儿接种九价HPV疫苗，在哪里预约，是否有免费接种政策。']],
    web: [['孩子打预防针', '宝宝的预防针在哪里打？社区卫生服务中心需要提前预约吗？']],
  },
  {
    key: 'rats', cat: '病媒生物防制', type: 'help', expect: 'street', area: 'urban', n: 2,
    phone: [['{place}老鼠泛滥', '来电人反映：{addr}小区里老鼠很多，晚上在花坛和楼道里乱窜，还咬坏了电线。诉求：组织灭鼠。']],
    web: [['小区蟑螂老鼠成灾', '{place}垃圾房附近老鼠成群，白天都敢出来，家里也进了老鼠，请组织统一消杀。']],
  },
  // ---------------------------------------------------------------- 民政
  {
    key: 'nursing-home', cat: '养老机构', type: 'complaint', expect: 'dept-mzj', area: 'any', n: 2,
    phone: [['反映养老院护理不到位', '来电人反映：其母亲住在{district}{road}一家民办养老院，近期发现老人身上有压疮，护工经常不在岗，伙食很差。诉求：核查该养老机构。']],
    web: [['敬老院收费乱涨', '我父亲住的养老院今年护理费突然每月涨了八百，事先没商量，不同意就让我们把老人接走，请民政部门管管。']],
  },
  {
    key: 'elderly-allowance', cat: '高龄津贴', type: 'consult', expect: 'dept-mzj', area: 'none', n: 2,
    phone: [['咨询高龄津贴申领', '来电人咨询：父亲今年满80周岁，高龄津贴怎么申请，每月发多少。']],
    web: [['高龄补贴停发了', '我母亲的高龄补贴从上个月开始就没有发放了，是政策变了吗？']],
  },
  {
    key: 'min-living', cat: '低保申请', type: 'help', expect: 'street', area: 'any', n: 3,
    phone: [['{place}困难家庭申请低保', '来电人反映：其家住{addr}，丈夫去年病故，自己没有工作，两个孩子上学，生活困难，想申请低保但不知道是否符合条件。']],
    web: [['申请低保被拒', '我住在{place}，家里老人瘫痪在床，我下岗没收入，去社区申请低保说我们家有车不符合条件，可那辆车是十几年的旧车，请求重新审核。']],
  },
  {
    key: 'marriage', cat: '婚姻登记', type: 'consult', expect: 'dept-mzj', area: 'none', n: 1,
    phone: [['咨询跨省结婚登记', '来电人咨询：其是外省户籍，未婚妻是江州户籍，能否在江州办理结婚登记，需要带什么材料。']],
    web: [['结婚登记要预约吗', '下个月想去领结婚证，婚姻登记处需要网上预约吗？节假日办不办？']],
  },
  {
    key: 'neighbor-leak', cat: '邻里纠纷', type: 'help', expect: 'street', area: 'urban', n: 3,
    phone: [['{place}楼上漏水协调不成', '来电人反映：{addr}{b}楼上住户卫生间漏水，导致其家天花板发霉、墙皮脱落，多次沟通楼上拒绝维修。诉求：协调处理。']],
    web: [['楼上邻居漏水不管', '{place}{b}我家楼上卫生间防水坏了，水一直渗到我家，跟邻居说了好几次他们都不理，物业也说管不了，请社区帮忙协调。']],
  },
  // ---------------------------------------------------------------- 公安政法
  {
    key: 'hukou', cat: '户口迁移', type: 'consult', expect: 'dept-gaj', area: 'none', n: 2,
    phone: [['咨询购房落户', '来电人咨询：在江州买了商品房，想把户口从老家迁过来，需要什么条件和材料，在哪里办理。']],
    web: [['孩子户口怎么迁', '孩子户口在老家，我们户口都在江州，孩子户口怎么迁过来？']],
  },
  {
    key: 'id-card', cat: '身份证办理', type: 'consult', expect: 'dept-gaj', area: 'none', n: 2,
    phone: [['咨询异地补办身份证', '来电人咨询：外省户籍，身份证丢了，能否在江州补办，多久能拿到。']],
    web: [['身份证到期换证', '身份证下个月到期，换领需要去户籍地吗？可以加急吗？']],
  },
  {
    key: 'gambling', cat: '聚众赌博', type: 'report', expect: 'dept-gaj', area: 'any', n: 2,
    phone: [['举报{place}聚众赌博', '来电人举报：{addr}一个麻将馆每天晚上有人聚众赌博，赌资较大，出入人员复杂。要求保密。诉求：查处。']],
    web: [['举报地下赌场', '{road}一家棋牌室名义上打麻将，实际上聚众赌博，每天半夜人进进出出，请公安机关查处。']],
  },
  {
    key: 'driving-license', cat: '驾驶证业务', type: 'consult', expect: 'dept-gaj-jj', area: 'none', n: 2,
    phone: [['咨询驾驶证到期换证', '来电人咨询：驾驶证下月到期，换证需要体检吗，能否在网上办理。']],
    web: [['驾照异地换证', '我的驾照是外地考的，现在在江州工作，驾驶证期满换证能在这边办吗？']],
  },
  {
    key: 'legal-aid', cat: '法律援助', type: 'consult', expect: 'dept-sfj', area: 'none', n: 2,
    phone: [['咨询法律援助申请', '来电人咨询：因工伤赔偿与老板打官司，经济困难请不起律师，能否申请法律援助，去哪里申请。']],
    web: [['请不起律师怎么办', '被人借钱不还要起诉，但家里困难请不起律师，听说有免费的法律援助，怎么申请？']],
  },
  // ---------------------------------------------------------------- 自然资源与规划
  {
    key: 'property-cert', cat: '不动产权证办理', type: 'help', expect: 'dept-zrzy', area: 'urban', n: 3,
    phone: [['{place}交房多年办不了房产证', '来电人反映：其购买的{place}商品房已交房三年，至今办不了不动产权证，开发商说是验收手续没办完。诉求：尽快办证。']],
    web: [['房子住了五年还没有房产证', '我们{place}的业主入住五年了，房产证一直办不下来，孩子上学都受影响，开发商一直推说在走流程。']],
  },
  {
    key: 'mortgage', cat: '抵押登记', type: 'consult', expect: 'dept-zrzy', area: 'none', n: 1,
    phone: [['咨询房贷还清后解押', '来电人咨询：房贷已经全部还清，办理抵押注销需要带哪些材料，在哪里办。']],
    web: [['还完贷款怎么解押', '房贷还完了，银行给了结清证明，不动产登记中心解押要预约吗？']],
  },
  {
    key: 'land-compensation', cat: '征地补偿', type: 'help', expect: 'district', area: 'rural', n: 2,
    phone: [['{place}征地补偿款未到位', '来电人反映：{addr}去年修路征收了其家的两亩耕地，至今补偿款没有发到手，村里说上面还没拨款。诉求：尽快发放补偿款。']],
    web: [['征地补偿标准不公开', '我们{place}的地被征用了，补偿款标准从来没有公示过，各家拿到的钱也不一样，请区里核查。']],
  },
  // ---------------------------------------------------------------- 农业农村
  {
    key: 'village-road', cat: '农村道路', type: 'help', expect: 'street', area: 'rural', n: 3,
    phone: [['{place}村道破损', '来电人反映：{addr}通往组里的村道路面破损严重，雨天泥泞，村民出行、孩子上学困难。诉求：修缮村道。']],
    web: [['村里的路烂了好多年', '{place}进村的那条水泥路早就烂成泥巴路了，三轮车都不好走，希望镇里帮忙修一下。']],
  },
  {
    key: 'village-trash', cat: '农村人居环境', type: 'complaint', expect: 'street', area: 'rural', n: 2,
    phone: [['{place}垃圾堆积', '来电人反映：{addr}村口的垃圾池已经满了很久没人清运，垃圾都堆到路边，夏天臭味很大。']],
    web: [['村里垃圾没人清', '{place}村道两边到处是垃圾，保洁员好久没来了，请镇里管一管人居环境。']],
  },
  {
    key: 'fake-seeds', cat: '农资质量', type: 'complaint', expect: 'dept-nyj', area: 'rural', n: 1,
    phone: [['{place}村民买到假种子', '来电人反映：其在{street}一家农资店买的水稻种子发芽率很低，十几户村民都受了损失，怀疑是假种子。诉求：查处并赔偿。']],
    web: [['买了假化肥庄稼减产', '在镇上农资店买的化肥用了以后庄稼没长势，别人说是假化肥，请农业部门检测。']],
  },
  {
    key: 'farm-subsidy', cat: '惠农补贴', type: 'consult', expect: 'street', area: 'rural', n: 2,
    phone: [['{place}种粮补贴未发放', '来电人咨询：其在{addr}种了十几亩地，今年的耕地地力补贴为什么还没有发到一卡通上。']],
    web: [['种粮补贴什么时候发', '{place}今年的种粮补贴别的村都发了，我们村还没动静，请问是怎么回事？']],
  },
  // ---------------------------------------------------------------- 文化旅游体育
  {
    key: 'tour-shopping', cat: '旅游投诉', type: 'complaint', expect: 'dept-wlj', area: 'none', n: 2,
    phone: [['旅行社低价团强制购物', '来电人反映：其报名本地一家旅行社的低价旅游团，行程中导游多次带到购物店，不买东西就甩脸色。诉求：处理旅行社。']],
    web: [['旅游团被强制消费', '参加了江州一家旅行社组织的三日游，导游把我们拉到玉器店关了两个小时，不买不让走，请文旅部门查处。']],
  },
  {
    key: 'internet-cafe', cat: '网吧管理', type: 'report', expect: 'dept-wlj', area: 'urban', n: 1,
    phone: [['举报网吧接纳未成年人', '来电人举报：{road}一家网吧经常接纳初中生上网，有的孩子通宵不回家。诉求：查处。']],
    web: [['网吧让小孩上网', '{road}那家网吧不查身份证，很多小学生中午放学就去打游戏，请有关部门管管。']],
  },
  {
    key: 'fitness', cat: '健身设施', type: 'help', expect: 'street', area: 'urban', n: 2,
    phone: [['{place}健身器材损坏', '来电人反映：{addr}小区广场上的健身器材多处断裂，螺丝松动，已有老人锻炼时受伤。诉求：维修或更换。']],
    web: [['健身器材坏了很危险', '{place}的健身路径有两台器材断了，尖角露在外面，小孩在那玩很危险，请尽快修。']],
  },
  // ---------------------------------------------------------------- 财税金融
  {
    key: 'income-tax', cat: '个人所得税', type: 'consult', expect: 'dept-tax', area: 'none', n: 2,
    phone: [['咨询个税汇算清缴', '来电人咨询：个人所得税年度汇算怎么办理，房贷利息专项附加扣除怎么填报。']],
    web: [['个税退税一直没到账', '三月份就提交了个税汇算申请退税，显示审核中，已经两个月了还没到账。']],
  },
  {
    key: 'fund-withdraw', cat: '公积金提取', type: 'consult', expect: 'dept-gjj', area: 'none', n: 3,
    phone: [['咨询租房提取公积金', '来电人咨询：在江州租房住，能否提取住房公积金支付房租，每年能提多少，在哪里办理。']],
    web: [['离职后公积金怎么取', '从单位辞职回老家发展了，账户里的公积金可以全部取出来吗？需要什么手续？']],
  },
  {
    key: 'fund-deposit', cat: '公积金缴存', type: 'complaint', expect: 'dept-gjj', area: 'none', n: 1,
    phone: [['单位不给缴公积金', '来电人反映：其所在公司入职两年一直没有为员工缴纳住房公积金，多次提出公司都说效益不好。诉求：督促单位缴存。']],
    web: [['公司按最低基数缴公积金', '公司一直按最低工资给我们交公积金，和实际工资差很多，这合规吗？']],
  },
  {
    key: 'illegal-funding', cat: '非法集资', type: 'report', expect: 'district', area: 'urban', n: 2,
    phone: [['举报{place}附近有人非法集资', '来电人举报：{addr}附近一家“养老服务中心”以高额回报为诱饵，向老年人吸收资金，承诺年息20%。诉求：查处。']],
    web: [['投资公司高息揽储', '{road}有一家投资公司天天发鸡蛋拉老人去听讲座，说投资养老项目一年回报15%，好几个邻居都投了钱，我担心是非法集资。']],
  },
  // ---------------------------------------------------------------- 政务服务
  {
    key: 'service-guide', cat: '办事指南', type: 'consult', expect: 'dept-sjj', area: 'none', n: 2,
    phone: [['咨询办事需要的材料', '来电人咨询：要给父亲办理退休后的居住证明和无犯罪记录证明，需要什么材料，能否在政务服务中心一次办好。']],
    web: [['一网通办登录不上', '在一网通办小程序上办事，实名认证一直失败，提示人脸识别不通过，请问怎么解决？']],
  },
  {
    key: 'enterprise-policy', cat: '惠企政策咨询', type: 'consult', expect: 'dept-fgw', area: 'none', n: 2,
    phone: [['咨询小微企业扶持政策', '来电人咨询：其经营一家小型加工企业，今年有哪些惠企政策和企业补贴可以申请，向哪个部门申报。']],
    web: [['企业纾困资金怎么申请', '我们是一家中小民营企业，听说市里有纾困资金和减税降费政策，具体找哪个部门？']],
  },
  // ---------------------------------------------------------------- 应急安全
  {
    key: 'hazardous', cat: '危化品', type: 'report', expect: 'dept-yjj', area: 'any', n: 2,
    phone: [['举报{road}仓库违规存放危化品', '来电人举报：{district}{road}一处民房改成的仓库里堆放了大量油漆、稀料等易燃易爆的危险化学品，旁边就是居民楼。诉求：查处。']],
    web: [['居民区旁边堆放危险化学品', '{place}后面的仓库里放了很多化工原料桶，气味很重，万一着火后果不堪设想，请应急管理部门检查。']],
  },
  {
    key: 'flooding', cat: '防汛排涝', type: 'help', expect: 'dept-swj', area: 'urban', n: 3,
    phone: [['{road}路段暴雨积水', '来电人反映：今天暴雨，{district}{road}{place}门口路段积水已经没过膝盖，车辆熄火，下水口排不出去。诉求：紧急排涝。']],
    web: [['一下雨就内涝', '每次下大雨{road}靠近{place}这段都会严重内涝，积水半米深，雨水倒灌进小区车库，请水务部门彻底解决排水问题。']],
  },
  {
    key: 'fire-lane', cat: '消防通道堵塞', type: 'complaint', expect: 'street', area: 'urban', n: 2,
    phone: [['{place}消防通道被占', '来电人反映：{addr}小区消防通道长期被私家车和杂物占用，物业不清理，万一失火消防车进不来。']],
    web: [['消防通道天天被堵', '{place}的消防通道上停满了车，还有人堆放杂物，物业贴了告示也没用，请有关部门管一管。']],
  },
  {
    key: 'ebike-charging', cat: '电动车违规充电', type: 'report', expect: 'street', area: 'urban', n: 3,
    phone: [['{place}电动车飞线充电', '来电人反映：{addr}{b}有住户从楼上窗户拉电线下来给电动车充电，还有人把电动车推进楼道充电，存在火灾隐患。']],
    web: [['楼道里给电瓶车充电', '{place}{b}有邻居天天把电瓶车推进楼道充电，堵住了安全出口，前段时间别的地方还发生过火灾，太危险了。']],
  },
  // ---------------------------------------------------------------- 综合事项
  {
    key: 'praise-street', cat: '表扬单位', type: 'praise', expect: 'street', area: 'urban', n: 2,
    phone: [['表扬{street}为民办实事', '来电人表示：{addr}积水问题困扰多年，{street}和社区工作人员多次上门，协调施工单位改造了排水管道，问题彻底解决。特来电表扬。']],
    web: [['感谢社区网格员', '我是{place}的居民，家里独居老人生病时社区网格员连夜帮忙送医，特别感谢街道和社区的工作人员！']],
  },
  {
    key: 'praise-bus', cat: '表扬个人', type: 'praise', expect: 'ent-gj', area: 'urban', n: 2,
    phone: [['表扬{bus}公交司机拾金不昧', '来电人表示：其昨天乘坐{bus}公交车时把钱包落在车上，司机发现后主动联系归还，特来电表扬这位司机。']],
    web: [['点赞公交车司机', '今天在{bus}公交车上一位老人突发不适，司机立即停车帮忙叫了救护车，一直等到医生来，为这位驾驶员点赞！']],
  },
  {
    key: 'praise-police', cat: '表扬个人', type: 'praise', expect: 'dept-gaj', area: 'urban', n: 1,
    phone: [['表扬派出所民警', '来电人表示：其走失的老父亲被{road}附近的民警找到并送回家，特来电感谢派出所民警。']],
    web: [['感谢民警帮忙找回孩子', '孩子在{place}附近走丢，派出所民警半小时就帮我们找到了，特别感谢！']],
  },
  {
    key: 'suggest-toilet', cat: '城市发展建议', type: 'suggestion', expect: 'dept-cgj', area: 'urban', n: 2,
    phone: [['建议在{road}增设公厕', '来电人建议：{district}{road}沿线是商业街，人流量大，但附近没有公共厕所，建议增设公厕。']],
    web: [['公园附近缺公共厕所', '{road}一带散步的人很多，最近的公厕要走一公里，建议在{place}附近修一个公共厕所。']],
  },
];

// ---------------------------------------------------------------- hard cases

interface Hand {
  tag: string;
  channel: 'phone' | 'web';
  type: RequestType;
  title: string;
  content: string;
  address?: string;
  /** Street id whose map point (slightly off centre) the message carries. */
  pointOf?: string;
  cat?: string;
  expect: string;
}

/** Written one by one: what makes dispatch hard in practice. */
const HAND: Hand[] = [
  // Complaints about a unit or its staff: 督查室, never the unit complained about.
  { tag: 'supervision', channel: 'phone', type: 'complaint', title: '投诉市住建局窗口工作人员', content: '来电人反映：其到市住建局办理维修资金使用备案，窗口工作人员态度生硬，材料一次说不清，让其来回跑了四趟。诉求：对工作人员批评教育。', cat: '服务态度', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'web', type: 'complaint', title: '派出所民警办户口推诿', content: '我去派出所给孩子上户口，民警说材料不全，问缺什么又不一次说清楚，跑了三次还在推诿，态度还很差。', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'phone', type: 'complaint', title: '投诉湖滨街道办工作人员不作为', content: '来电人反映：其多次向湖滨街道办反映柳岸小区违建问题，街道办工作人员每次都说在处理，三个月没有任何进展，属于不作为。诉求：督促处理并追责。', address: '东湖区湖滨街道柳岸小区', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'web', type: 'complaint', title: '城管执法人员态度粗暴', content: '今天在白沙路看到城管队员收缴一位老人的菜篮子，还推搡老人，态度非常恶劣，这样执法合适吗？', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'phone', type: 'complaint', title: '投诉公积金中心办事拖延', content: '来电人反映：其提交的公积金贷款申请已经两个月，公积金中心一直拖延不审批，打电话询问工作人员敷衍了事。', cat: '办事效率', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'web', type: 'complaint', title: '供电公司抢修人员索要好处', content: '家里停电报修，供电公司来的抢修人员说要排队，暗示给点烟钱就先修，这是吃拿卡要吧？', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'phone', type: 'complaint', title: '投诉社保局窗口刁难', content: '来电人反映：其到社保局窗口办理退休手续，工作人员以档案缺页为由多次刁难，不告诉具体怎么补。诉求：督促依法办理。', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'web', type: 'complaint', title: '交警大队处理事故拖延', content: '上个月的交通事故到现在交警大队还没出事故认定书，每次去问都说领导不在，踢皮球。', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'phone', type: 'complaint', title: '投诉长岭镇政府工作人员', content: '来电人反映：长岭镇政府工作人员在办理宅基地审批时，要求其请吃饭才给签字。诉求：查处吃拿卡要。', address: '江北区长岭镇上塘村', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'web', type: 'complaint', title: '政务服务中心窗口人员玩手机', content: '今天上午在政务服务中心排了两个小时的队，有个窗口工作人员一直在玩手机不叫号，态度还很差，问她就说系统故障。', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'phone', type: 'complaint', title: '投诉税务局工作人员态度', content: '来电人反映：其到税务局办税服务厅办理发票业务，工作人员态度恶劣，大声呵斥老年人。诉求：批评教育。', expect: SUPERVISION_ID },
  { tag: 'supervision', channel: 'web', type: 'complaint', title: '东湖区政府信访部门敷衍', content: '向东湖区政府反映拆迁补偿问题半年了，答复都是模板，敷衍了事，没人真正来解决。', expect: SUPERVISION_ID },
  // Complaints about a company's staff, not a unit: the matter's owner.
  { tag: 'not-supervision', channel: 'phone', type: 'complaint', title: '物业工作人员态度恶劣', content: '来电人反映：东湖区湖滨街道湖滨花园物业前台工作人员态度恶劣，业主反映楼道漏水，对方说不归他们管还骂人。诉求：督促物业改进服务。', address: '东湖区湖滨街道湖滨花园', cat: '物业服务质量', expect: 'st-dh-hb' },
  { tag: 'not-supervision', channel: 'web', type: 'complaint', title: '物业维修拖延', content: '北湖人家物业报修一个月了还拖延着不来修，工作人员每次都敷衍说明天来，楼道灯到现在还是黑的。', expect: 'st-jb-bh' },
  { tag: 'not-supervision', channel: 'web', type: 'complaint', title: '健身房工作人员不给退卡', content: '南山区金桥路力美健身关店了，工作人员态度很差，说会员卡一律不退，让我们找老板，老板又联系不上。', expect: 'dept-scj' },
  // No address at all: territorial matters cannot be placed (parked for a dispatcher).
  { tag: 'no-address', channel: 'web', type: 'complaint', title: '楼下广场舞太吵', content: '每天晚上楼下广场舞音响开得震天响，一直到十点，能不能管一管？', expect: 'st-dh-hb' },
  { tag: 'no-address', channel: 'web', type: 'help', title: '小区电梯坏了一周', content: '我们小区电梯坏了一周了，物业一直说在修，老人上不了楼，怎么办？', expect: 'st-ns-jq' },
  { tag: 'no-address', channel: 'web', type: 'help', title: '路灯不亮', content: '回家那条路的路灯坏了好久了，晚上黑漆漆的，请修一下。', expect: 'dept-cgj' },
  { tag: 'no-address', channel: 'web', type: 'help', title: '停水了', content: '早上起来就停水了，没有任何通知，什么时候来水？', expect: 'ent-zls' },
  // Address only in the content, no address field.
  { tag: 'content-place', channel: 'web', type: 'complaint', title: '夜宵摊太吵', content: '青云路文昌苑门口的夜宵摊每天经营到凌晨三点，划拳喝酒声音很大，楼上根本没法睡。', expect: 'st-dh-qy' },
  { tag: 'content-place', channel: 'web', type: 'help', title: '垃圾桶满了没人倒', content: '滨江一号小区门口的垃圾桶已经两天没人倒了，味道很大。', expect: 'st-jb-lj' },
  { tag: 'content-place', channel: 'web', type: 'report', title: '楼顶在盖房子', content: '紫荆花城5栋顶楼有人在加盖彩钢房，每天叮叮当当，这是违建吧。', expect: 'st-yx-hy' },
  // A road of one street and a compound of another in one address: the compound wins.
  { tag: 'road-vs-community', channel: 'phone', type: 'complaint', title: '沿湖大道东门新村段占道经营', content: '来电人反映：沿湖大道靠东门新村一侧每天早上有菜贩占道卖菜，堵塞交通。', address: '东湖区沿湖大道东门新村门口', cat: '占道经营', expect: 'st-dh-dm' },
  { tag: 'road-vs-community', channel: 'web', type: 'help', title: '建设路青云小区门口垃圾堆积', content: '建设路和青云路交叉口，青云小区门口的垃圾堆了好几天。', address: '建设路青云小区', expect: 'st-dh-qy' },
  { tag: 'road-vs-community', channel: 'phone', type: 'complaint', title: '胜利路临江花园附近夜间施工', content: '来电人反映：胜利路靠临江花园那段的工地每天晚上十二点后还在施工。', address: '江北区胜利路临江花园', cat: '夜间施工', expect: 'st-jb-lj' },
  { tag: 'road-vs-community', channel: 'web', type: 'complaint', title: '商城路白沙小区旁烧烤扰民', content: '商城路靠近白沙小区的几家烧烤店把桌子摆到路边，油烟和吵闹声让我们白沙小区的住户很痛苦。', expect: 'st-ns-bs' },
  // Map point only (WeChat with location): the street polygon decides.
  { tag: 'point-only', channel: 'web', type: 'help', title: '这里的垃圾没人清', content: '定位这个地方的垃圾堆了三天了，苍蝇乱飞，请尽快清理。', pointOf: 'st-jb-wj', expect: 'st-jb-wj' },
  { tag: 'point-only', channel: 'web', type: 'complaint', title: '路边摆摊占道', content: '这里每天晚上都有人摆摊，人行道被占满了，附近居民出行不便。', pointOf: 'st-yx-xq', expect: 'st-yx-xq' },
  { tag: 'point-only', channel: 'web', type: 'complaint', title: '楼下饭店油烟太大', content: '楼下饭店油烟直排，厨房窗户都不敢开，请处理。', pointOf: 'st-gx-lw', expect: 'st-gx-lw' },
  { tag: 'point-only', channel: 'web', type: 'report', title: '有人私搭乱建', content: '定位处有人在绿化带上私搭乱建了一个棚子做仓库。', pointOf: 'st-qy-cg', expect: 'st-qy-cg' },
  // Two departments could own it: the catalogue decides by the matter's words.
  { tag: 'two-departments', channel: 'web', type: 'help', title: '道路塌陷出现大坑', content: '湖滨路靠近湖滨公园的地方路面塌陷出一个大坑，下面好像是下水管破了，一直在冒水。', expect: 'dept-cgj' },
  { tag: 'two-departments', channel: 'phone', type: 'complaint', title: '电梯年检标志过期', content: '来电人反映：金桥花园3栋电梯轿厢内张贴的检验合格标志已经过期两个月，担心电梯安全。诉求：督促检验。', address: '南山区金桥街道金桥花园', cat: '电梯安全检验', expect: 'dept-scj' },
  { tag: 'two-departments', channel: 'web', type: 'complaint', title: '培训机构跑路', content: '孩子在科创大道上的一家编程培训机构报了一年的课，交了8000元培训费，现在机构关门了老板失联，请教育部门帮忙退费。', expect: 'dept-jyj' },
  { tag: 'two-departments', channel: 'web', type: 'help', title: '城乡居民医保缴费后显示未参保', content: '去年12月已经通过手机缴纳了城乡居民医保，现在去医院看病显示未参保，不能报销。', expect: 'dept-tax' },
  { tag: 'two-departments', channel: 'phone', type: 'help', title: '大树倒伏压断电线', content: '来电人反映：今天大风，望江路望江苑门口一棵大树倒伏，压在电线上，周边停电。诉求：尽快清理并抢修。', address: '江北区望江街道望江苑', cat: '树木倒伏', expect: 'dept-cgj' },
  { tag: 'two-departments', channel: 'web', type: 'report', title: '农资店卖假农药', content: '梅岭镇集镇上一家农资店卖的农药打了一点用都没有，好几户村民的果树都受了虫害，怀疑是假农药。', expect: 'dept-nyj' },
  { tag: 'two-departments', channel: 'web', type: 'help', title: '小区车库暴雨进水', content: '暴雨后丁香苑地下车库进水，好多车泡在水里，排水泵不工作，请紧急排涝。', expect: 'dept-swj' },
  { tag: 'two-departments', channel: 'phone', type: 'consult', title: '咨询公积金贷款买二手房', content: '来电人咨询：想用住房公积金贷款购买二手房，贷款额度怎么算，房龄有没有限制。', cat: '公积金贷款', expect: 'dept-gjj' },
  { tag: 'two-departments', channel: 'web', type: 'complaint', title: '出租车司机拒载还骂人', content: '在火车站排队打出租车，司机嫌路近拒载，还骂骂咧咧的，车牌号江D·T3821。', expect: 'dept-jtj' },
  // Matters no rule owns: the district of the place takes them (兜底).
  { tag: 'fallback', channel: 'phone', type: 'help', title: '{place}手机信号差', content: '来电人反映：东湖区桃园街道纺织厂宿舍一带手机信号很差，室内经常没有信号，打电话断断续续。诉求：增设基站。', address: '东湖区桃园街道纺织厂宿舍', cat: '通信信号', expect: 'dist-dh' },
  { tag: 'fallback', channel: 'web', type: 'help', title: '宽带装不上', content: '长虹小区是老小区，运营商说线路没覆盖，光纤宽带一直装不上，在家上网课都困难。', address: '江北区北湖街道长虹小区', expect: 'dist-jb' },
  { tag: 'fallback', channel: 'phone', type: 'suggestion', title: '建议{road}路口增设路名牌', content: '来电人建议：南山区环山路新修的一段没有路名牌，外地人和快递经常找不到路，建议增设。', address: '南山区环山路', expect: 'dist-ns' },
  { tag: 'fallback', channel: 'web', type: 'help', title: '有线电视没信号', content: '我家在溪畔人家，有线电视这几天一直没信号，机顶盒显示无信号，打客服电话一直没人接。', address: '云溪区云溪街道溪畔人家', expect: 'dist-yx' },
  { tag: 'fallback', channel: 'phone', type: 'complaint', title: '银行网点排长队', content: '来电人反映：龙湾路一家银行网点只开一个窗口，老人取养老金要排两个小时。诉求：增开窗口。', address: '江州高新区龙湾街道龙湾路', cat: '银行服务', expect: 'dist-gx' },
  { tag: 'fallback', channel: 'web', type: 'suggestion', title: '建议城关镇增设快递驿站', content: '青阳县城关镇县城新区快递都放在路边，丢件的情况很多，建议规划一个快递驿站。', address: '青阳县城关镇县城新区', expect: 'dist-qy' },
  { tag: 'fallback', channel: 'web', type: 'help', title: '小区附近没有菜市场', content: '丰谷嘉园入住几千户了，附近一个菜市场都没有，买菜要坐公交去很远的地方，希望政府规划一个。', address: '江州高新区丰谷街道丰谷嘉园', expect: 'dist-gx' },
  // Operator's subject disagrees with a stray word of the text: the subject counts.
  { tag: 'operator-category', channel: 'phone', type: 'help', title: '{place}小区内积水', content: '来电人反映：湖滨新村小区内道路一下雨就积水，物业说是市政管网的问题，不愿处理。诉求：督促物业疏通小区排水。', address: '东湖区湖滨街道湖滨新村', cat: '物业服务质量', expect: 'st-dh-hb' },
  { tag: 'operator-category', channel: 'phone', type: 'complaint', title: '饭店门口摆桌占道', content: '来电人反映：张记牛肉面馆在店门口人行道上摆了十几张桌子，食客吃完垃圾满地，行人只能走机动车道。', address: '云溪区新桥街道站前路', cat: '占道经营', expect: 'st-yx-xq' },
  { tag: 'operator-category', channel: 'phone', type: 'complaint', title: '装修噪音扰民', content: '来电人反映：楼上住户装修每天早上七点就开始电钻施工，中午也不停，周末也施工。诉求：协调规定时间装修。', address: '南山区白沙街道沙湖雅苑', cat: '社会生活噪声', expect: 'st-ns-bs' },
  { tag: 'operator-category', channel: 'phone', type: 'consult', title: '咨询学位', content: '来电人咨询：家住花园新村，孩子今年上一年级，对口哪所小学，学位是否紧张。', address: '云溪区花园街道花园新村', cat: '小学入学', expect: 'dist-yx' },
  // Praise.
  { tag: 'praise', channel: 'web', type: 'praise', title: '感谢网格员', content: '感谢龙湾街道龙湾名都社区的网格员，疫情期间天天给我们独居老人送菜送药。', expect: 'st-gx-lw' },
  { tag: 'praise', channel: 'phone', type: 'praise', title: '表扬环卫工人', content: '来电人表示：白沙洲大道的环卫工人每天凌晨就开始清扫，路面干干净净，特来电表扬白沙街道的环卫工作。', address: '南山区白沙街道白沙洲大道', cat: '表扬单位', expect: 'st-ns-bs' },
  { tag: 'praise', channel: 'web', type: 'praise', title: '感谢交警', content: '今天早上孩子上学要迟到了，在路口遇到执勤的交警，一路护送我们过马路，谢谢交警同志！', expect: 'dept-gaj-jj' },
  // Rural towns.
  { tag: 'rural', channel: 'phone', type: 'help', title: '村里自来水管爆裂', content: '来电人反映：青阳县双河镇河东村主水管爆裂，全村停水一天了。诉求：尽快抢修。', address: '青阳县双河镇河东村', cat: '停水', expect: 'ent-zls' },
  { tag: 'rural', channel: 'web', type: 'help', title: '村里经常停电', content: '杨柳乡枫树村一到用电高峰就停电，电压也不稳，电器烧坏了好几个，请供电所来看看。', expect: 'ent-gdgs' },
  { tag: 'rural', channel: 'web', type: 'complaint', title: '养猪场臭味熏人', content: '石门镇茶山村有个养猪场离村子太近，粪水直接排到水沟里，臭味熏得村民不敢开窗。', expect: 'dept-sthj' },
  { tag: 'rural', channel: 'web', type: 'help', title: '宅基地建房审批', content: '我是桂花镇竹林村村民，老房子塌了想在宅基地上重建，农村建房审批要找镇里哪个部门？', expect: 'st-qy-gh' },
  { tag: 'rural', channel: 'phone', type: 'help', title: '山体滑坡隐患', content: '来电人反映：梅岭镇茶园村后山连日降雨出现裂缝，有小规模山体滑坡，山下有三户人家。诉求：排查隐患。', address: '南山区梅岭镇茶园村', cat: '地质灾害', expect: 'dept-zrzy' },
  // Mixed.
  { tag: 'mixed', channel: 'web', type: 'help', title: '想问下学区', content: '想问一下，北湖公馆对应的小学是哪所？今年学位够不够？', expect: 'dist-jb' },
  { tag: 'mixed', channel: 'web', type: 'consult', title: '新生儿出生证明', content: '孩子在妇幼保健院出生，出生医学证明上名字写错了，怎么更正？', expect: 'dept-wjw' },
  { tag: 'mixed', channel: 'web', type: 'complaint', title: '网约车乱收费', content: '坐网约车从江北万达广场到火车站，平台显示的价格比平时高了一倍，司机还绕路。', expect: 'dept-jtj' },
  { tag: 'mixed', channel: 'web', type: 'help', title: '护照加急', content: '下周要出国参加比赛，护照还没办下来，能不能加急？', expect: 'dept-gaj' },
  { tag: 'mixed', channel: 'web', type: 'consult', title: '退伍军人优待证', content: '退伍军人优待证怎么申领？需要什么材料？', expect: 'dept-tyjr' },
  { tag: 'mixed', channel: 'web', type: 'help', title: '小区里的健身器材和篮球场', content: '科创城小区的篮球场地面开裂，篮球架也歪了，希望修一修。', expect: 'st-gx-kc' },
  { tag: 'mixed', channel: 'web', type: 'complaint', title: '燃气灶打不着', content: '锦绣湖滨最近燃气压力很小，燃气灶火苗很弱，做饭要很久。', expect: 'ent-rq' },
  { tag: 'mixed', channel: 'web', type: 'help', title: '小区门口的井盖响', content: '阳光100门口马路上的井盖松了，车一过就哐当响，晚上吵得睡不着。', expect: 'dept-cgj' },
  { tag: 'mixed', channel: 'web', type: 'complaint', title: '楼上装修噪音', content: '水岸华庭楼上装修天天电钻响，中午午休时间也不停，沟通了也没用。', expect: 'st-dh-hb' },
  { tag: 'mixed', channel: 'web', type: 'help', title: '欠薪', content: '在江州华美服饰有限公司做了半年，老板拖欠工资三个月，现在厂子关门了。', expect: 'dept-rsj' },
];

// ---------------------------------------------------------------- builder

interface StreetInfo {
  unit: SeedUnit;
  district: SeedUnit;
  local: string;
  roads: string[];
  places: string[];
  rural: boolean;
  point: { lng: number; lat: number };
}

function fill(text: string, v: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => v[k] ?? m);
}

/** The labelled set, with category codes from the dictionary and unit ids from the unit tree. */
export function buildRoutingCases(units: readonly SeedUnit[], categories: readonly SeedCategory[]): RoutingCase[] {
  const rng = new Rng(0x1234_5678);
  const byId = new Map(units.map((u) => [u._id, u]));
  const code = (name: string): string => {
    const found = categories.filter((c) => c.name === name);
    if (found.length !== 1) throw new Error(`routing cases: category ${name} ${found.length ? 'is ambiguous' : 'does not exist'}`);
    return found[0]!._id;
  };
  const streets: StreetInfo[] = units
    .filter((u) => u.kind === 'street')
    .map((u) => {
      const meta = unitMeta(u._id);
      const district = byId.get(u.parentId!)!;
      return {
        unit: u,
        district,
        local: u.shortName.slice(district.shortName.length),
        roads: meta.roads ?? [],
        places: meta.places ?? [],
        rural: meta.rural === true,
        point: meta.point!,
      };
    });
  const pointIn = (s: StreetInfo) => ({
    lng: Math.round((s.point.lng + rng.real(-0.004, 0.004)) * 1e6) / 1e6,
    lat: Math.round((s.point.lat + rng.real(-0.005, 0.005)) * 1e6) / 1e6,
  });
  const out: RoutingCase[] = [];
  let streetTurn = 0;
  const nextStreet = (area: Area): StreetInfo => {
    const ok = streets.filter((s) => (area === 'rural' ? s.rural : area === 'urban' ? !s.rural : true));
    // Round-robin with a stride, so consecutive matters land in different districts.
    streetTurn += 7;
    return ok[streetTurn % ok.length]!;
  };

  for (const m of MATTERS) {
    for (let i = 0; i < m.n; i++) {
      const phone = i % 2 === 0;
      const list = phone ? m.phone : m.web;
      const [title, content] = list[Math.floor(i / 2) % list.length]!;
      const s = m.area === 'none' ? null : nextStreet(m.area);
      const place = s ? rng.pick(s.places) : '';
      const road = s ? rng.pick(s.roads) : '';
      const road2 = s ? (s.roads.find((r) => r !== road) ?? road) : '';
      const v: Record<string, string> = {
        district: s?.district.shortName ?? '',
        street: s?.local ?? '',
        place,
        road,
        road2,
        addr: s ? `${s.district.shortName}${s.local}${place}` : '',
        b: `${rng.int(1, 18)}栋`,
        days: String(rng.int(2, 9)),
        amount: rng.pick(['1800', '2600', '3500', '4800', '6000', '12000']),
        school: s ? `${s.district.shortName}${s.local.replace(/(街道|镇|乡)$/, '')}小学` : '江州市实验小学',
        hospital: rng.pick(HOSPITALS),
        shop: rng.pick(SHOPS),
        restaurant: rng.pick(RESTAURANTS),
        gym: rng.pick(['力美健身', '动感空间健身会所', '悦美美容院', '小海豚儿童游泳馆']),
        company: rng.pick(COMPANIES),
        bus: rng.pick(BUS_LINES),
        plate: `江D·${rng.pick(['T', 'B', 'A'])}${rng.int(1000, 9999)}`,
      };
      const expected = m.expect === 'street' ? s!.unit._id : m.expect === 'district' ? (s ? s.district._id : 'dist-dh') : m.expect;
      const c: RoutingCase = {
        id: `${m.key}-${i + 1}`,
        channel: phone ? 'phone' : 'web',
        type: m.type,
        title: fill(title, v),
        content: fill(content, v),
        expectedUnitId: expected,
        tag: m.key,
      };
      if (phone) {
        c.categoryCode = code(m.cat);
        // Operators record the place: the compound, or the road when the matter is on a road.
        if (s) c.address = /\{(addr|place)\}/.test(content) ? `${v.addr}${/\{b\}/.test(content) ? v.b : ''}` : `${v.district}${v.street}${road}`;
      } else if (s) {
        // Web messages: a map point, a short address, or only what the text says.
        const how = i % 3;
        if (how === 0) c.point = pointIn(s);
        else if (how === 1 && /\{place\}/.test(content)) c.address = place;
      }
      out.push(c);
    }
  }

  HAND.forEach((h, i) => {
    const c: RoutingCase = {
      id: `hard-${i + 1}`,
      channel: h.channel,
      type: h.type,
      title: h.title.replace(/\{\w+\}/g, ''),
      content: h.content,
      expectedUnitId: h.expect,
      tag: h.tag,
    };
    if (h.address) c.address = h.address;
    if (h.pointOf) {
      const s = streets.find((x) => x.unit._id === h.pointOf);
      if (!s) throw new Error(`routing cases: no street ${h.pointOf}`);
      c.point = pointIn(s);
    }
    if (h.cat) c.categoryCode = code(h.cat);
    out.push(c);
  });
  return out;
}
