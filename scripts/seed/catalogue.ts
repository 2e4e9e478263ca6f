import type { AreaPolygon, DispatchRule, Place, RuleTarget } from '../../server/domain/routing/route.ts';
import type { RequestType } from '../../server/domain/ticket.ts';
import type { SeedCategory } from './categories.ts';
import { HOSPITALS } from './ticket-templates.ts';
import { SUPERVISION_ID, unitMeta, type SeedUnit } from './units.ts';

/**
 * The demo city's dispatch catalogue (派单目录) as plain data: the rules
 * (subject × area → unit, and keywords of the request text for web messages
 * that arrive without a subject), the gazetteer (district, street/town,
 * community/village, road and landmark names → the unit whose territory it
 * is) and one polygon per street/town for requests with a map point.
 *
 * How the rules are written (as a 12345 center writes its catalogue):
 * - one rule per subject (level 2 of the dictionary) naming its default
 *   owner, and rules for the level-3 matters that go elsewhere (higher
 *   priority, so a leaf rule wins over its subject's default without a tie);
 * - territorial matters (物业, 占道, 噪音, 垃圾 ...) go to the street/town of
 *   the place (`territorial: street`), district-level matters (学区划片,
 *   征地, 非法集资) to the district, the rest to the named department or
 *   public enterprise, with co-handling units where the matter needs two;
 * - keywords of the request text, for messages without a subject; where two
 *   matters share a word, `excludeKeywords` keep them apart. A rule whose
 *   keywords have exclusions is split in two (the subject part never
 *   excluded, so an operator's choice always counts);
 * - matters no rule owns (通信信号, 银行服务 ...) fall to the district of the
 *   place (兜底) — the engine does that, no rule is needed.
 *
 * Pure: the same units and categories give the same catalogue. seedDemo
 * inserts it; scripts/eval/routing.ts measures it.
 */

export interface DemoCatalogue {
  rules: DispatchRule[];
  places: Place[];
  areas: AreaPolygon[];
}

const STREET: RuleTarget = { kind: 'territorial', level: 'street' };
const DISTRICT: RuleTarget = { kind: 'territorial', level: 'district' };
const unit = (unitId: string): RuleTarget => ({ kind: 'unit', unitId });

/** One line of the catalogue. `cats` are dictionary names (level 2 or 3) or paths `一级/二级/三级`. */
interface Entry {
  id: string;
  name: string;
  to: RuleTarget;
  cats?: string[];
  kw?: string[];
  ex?: string[];
  co?: string[];
  types?: RequestType[];
  /** Default: 70 for a matter (level 3), 40 for a subject (level 2), 30 for a field (level 1), 50 for keyword-only rules. */
  priority?: number;
}

// ------------------------------------------------------------------ rules

const ENTRIES: Entry[] = [
  // 城乡建设
  { id: 'cx-wygl', name: '物业管理（属地街道）', to: STREET, cats: ['物业管理'], kw: ['物业费', '物业公司', '物业服务', '物业管理', '业委会', '业主委员会', '业主大会', '门禁'] },
  { id: 'cx-dtgz', name: '电梯故障（属地街道，市场监管局协办）', to: STREET, co: ['dept-scj'], cats: ['电梯故障'], kw: ['电梯', '困人', '关人'], ex: ['加装电梯', '加梯', '年检', '检验', '电梯广告'] },
  { id: 'cx-wxzj', name: '住宅专项维修资金（市住建局）', to: unit('dept-zjj'), cats: ['公共维修资金'], kw: ['维修资金', '维修基金'], priority: 75 },
  { id: 'cx-fwzl', name: '房屋质量（市住建局）', to: unit('dept-zjj'), cats: ['房屋质量'], kw: ['开发商', '交房', '烂尾', '精装修', '房屋质量', '保修期', '墙体开裂', '新房'], ex: ['邻居', '楼上', '楼下'] },
  { id: 'cx-fdc', name: '房地产市场（市住建局）', to: unit('dept-zjj'), cats: ['房地产市场'], kw: ['房屋中介', '中介公司', '售楼部', '售楼处', '商品房', '网签', '租房押金', '二房东', '群租'] },
  { id: 'cx-jgz', name: '老旧小区改造（属地街道）', to: STREET, cats: ['改造进度'], kw: ['老旧小区改造', '旧改', '改造工程', '改造施工'], ex: ['加装电梯'] },
  { id: 'cx-jzdt', name: '既有住宅加装电梯（市住建局）', to: unit('dept-zjj'), cats: ['加装电梯'], kw: ['加装电梯', '加梯'], priority: 75 },
  { id: 'cx-sg', name: '建筑施工管理（市住建局）', to: unit('dept-zjj'), cats: ['建筑施工'], kw: ['塔吊', '脚手架', '工地安全', '基坑'] },
  { id: 'cx-yjsg', name: '夜间施工扰民（属地街道，城管局协办）', to: STREET, co: ['dept-cgj'], cats: ['夜间施工'], kw: ['夜间施工', '半夜施工', '连夜施工', '施工噪音', '凌晨施工', '晚上施工'] },
  { id: 'cx-scyc', name: '施工扬尘（属地街道，住建局协办）', to: STREET, co: ['dept-zjj'], cats: ['施工扬尘'], kw: ['扬尘', '灰尘'] },
  { id: 'cx-bzf', name: '保障性住房（市住建局）', to: unit('dept-zjj'), cats: ['保障性住房'], kw: ['公租房', '廉租房', '保障房', '保障性住房'] },

  // 城市管理
  { id: 'cg-ljqy', name: '垃圾清运（属地街道）', to: STREET, cats: ['垃圾清运'], kw: ['垃圾', '垃圾桶', '垃圾站', '清运', '环卫'], ex: ['垃圾分类', '建筑垃圾', '烧垃圾', '焚烧', '村里'] },
  { id: 'cg-ljfl', name: '垃圾分类（市城管局）', to: unit('dept-cgj'), cats: ['垃圾分类'], kw: ['垃圾分类', '厨余垃圾', '分类投放', '分类垃圾桶'], priority: 75 },
  { id: 'cg-zdjy', name: '占道经营（属地街道）', to: STREET, cats: ['占道经营'], kw: ['占道经营', '摆摊', '摊贩', '流动摊贩', '占道', '马路市场', '出店经营'] },
  { id: 'cg-xgg', name: '小广告（属地街道）', to: STREET, cats: ['小广告'], kw: ['小广告', '牛皮癣', '乱贴', '乱涂乱画', '乱贴乱画'] },
  { id: 'cg-wj', name: '违法建设（属地街道）', to: STREET, cats: ['违法建设'], kw: ['违建', '违章搭建', '私搭乱建', '违章建筑', '违法建设', '加盖', '阳光房', '搭建', '毁绿', '占用绿地'] },
  { id: 'cg-szss', name: '市政设施（市城管局）', to: unit('dept-cgj'), cats: ['市政设施'], kw: ['路灯', '井盖', '窨井', '路面破损', '坑洼', '人行道破损', '人行道砖', '道板', '盲道', '路面塌陷', '塌陷', '下水道'], ex: ['村道', '村里', '国道', '省道', '县道', '公路'] },
  { id: 'cg-dlta', name: '道路塌陷（市城管局，水务局协办）', to: unit('dept-cgj'), co: ['dept-swj'], cats: ['道路塌陷'] },
  { id: 'cg-ylzh', name: '园林绿化（市城管局）', to: unit('dept-cgj'), cats: ['园林绿化'], kw: ['修剪', '树枝', '大树', '倒伏', '树木', '行道树', '绿化带', '公园', '草坪'], ex: ['毁绿', '占用绿地', '搭建', '私搭乱建', '违建', '桂花镇', '果树', '林地'] },
  { id: 'cg-smdf', name: '树木倒伏（市城管局，供电公司协办）', to: unit('dept-cgj'), co: ['ent-gdgs'], cats: ['树木倒伏'] },
  { id: 'cg-hwgg', name: '户外广告（市城管局）', to: unit('dept-cgj'), cats: ['户外广告'], kw: ['广告牌', '招牌', '店招', '广告架'] },
  { id: 'cg-yy', name: '餐饮油烟（属地街道）', to: STREET, cats: ['餐饮油烟'], kw: ['油烟', '排烟', '烧烤', '烤串', '夜宵', '烟熏'] },
  { id: 'cg-yyrm', name: '油烟扰民（属地街道，生态环境局协办）', to: STREET, co: ['dept-sthj'], cats: ['油烟扰民'] },

  // 交通出行
  { id: 'jt-gj', name: '公共交通（市公交集团）', to: unit('ent-gj'), cats: ['公共交通'], kw: ['公交', '公交车', '公交线路', '末班车', '首班车', '站台', '候车亭', '公交站', '甩站', '发车'], ex: ['出租车', '网约车'] },
  { id: 'jt-czc', name: '出租车网约车（市交通运输局）', to: unit('dept-jtj'), cats: ['出租车网约车'], kw: ['出租车', '的士', '的哥', '网约车', '拒载', '绕路', '打表', '顺风车'] },
  { id: 'jt-jg', name: '道路交通管理（市交警支队）', to: unit('dept-gaj-jj'), cats: ['道路交通管理', '交通噪声'], kw: ['违停', '违章停车', '乱停车', '乱停乱放', '红绿灯', '信号灯', '拥堵', '堵车', '罚单', '违章', '扣分', '交警', '炸街', '改装车', '斑马线', '电子警察', '限行'], ex: ['消防通道', '单车', '共享', '电动车充电'] },
  { id: 'jt-gl', name: '公路建设养护（市交通运输局）', to: unit('dept-jtj'), cats: ['公路建设养护'], kw: ['国道', '省道', '县道', '公路'], ex: ['村道'] },
  { id: 'jt-dlsg', name: '城市道路施工（市住建局）', to: unit('dept-zjj'), cats: ['道路施工'], kw: ['封路', '修路', '道路施工', '围挡'], ex: ['村道', '村里', '国道', '省道', '县道', '噪音', '半夜', '夜间', '凌晨'] },
  { id: 'jt-gxdc', name: '共享单车（市城管局）', to: unit('dept-cgj'), cats: ['共享单车'], kw: ['共享单车', '单车', '共享电单车', '哈啰', '美团单车'], priority: 75 },
  { id: 'jt-ddcdj', name: '电动车登记（市交警支队）', to: unit('dept-gaj-jj'), cats: ['电动车登记'], kw: ['电动车上牌', '电动车牌照', '上牌', '挂牌', '电动自行车登记'], priority: 75 },

  // 市场监管
  { id: 'sc-scjg', name: '市场监管（市市场监管局）', to: unit('dept-scj'), cats: ['市场监管'], priority: 30 },
  { id: 'sc-xfwq', name: '消费维权（市市场监管局）', to: unit('dept-scj'), cats: ['消费维权', '价格监管', '市场主体登记', '药品医疗器械'], kw: ['预付卡', '会员卡', '充值卡', '办卡', '跑路', '假货', '三无产品', '三无', '退款', '质量问题', '退换货', '退货', '售后', '三包', '网购', '消费者', '明码标价', '价格欺诈', '缺斤短两', '营业执照', '个体户', '注销', '药店', '处方药'], ex: ['培训', '补习', '辅导班', '课时', '旅行社'] },
  { id: 'sc-spaq', name: '食品安全（市市场监管局）', to: unit('dept-scj'), cats: ['食品安全'], kw: ['食品', '过期', '变质', '食物中毒', '拉肚子', '吃坏', '卫生差', '后厨', '无证经营', '无照经营', '小作坊', '苍蝇'], ex: ['垃圾', '老鼠', '油烟'] },
  { id: 'sc-tzsb', name: '特种设备（市市场监管局）', to: unit('dept-scj'), cats: ['特种设备'], kw: ['电梯年检', '年检', '检验合格', '液化气罐', '煤气罐', '气瓶'], ex: ['车辆', '机动车', '汽车'] },

  // 劳动和社会保障
  { id: 'rs', name: '劳动和社会保障（市人社局）', to: unit('dept-rsj'), cats: ['劳动和社会保障'], kw: ['欠薪', '拖欠工资', '讨薪', '不发工资', '工资', '劳动合同', '试用期', '辞退', '开除', '经济补偿', '加班费', '养老金', '养老保险', '退休', '失业金', '失业保险', '工伤', '社保卡', '社保', '就业', '创业', '技能培训', '人才补贴', '职称', '劳动仲裁', '劳动监察'], ex: ['医保', '公积金', '个税', '退税'] },
  { id: 'rs-gcqx', name: '工程建设领域欠薪（市人社局，住建局协办）', to: unit('dept-rsj'), co: ['dept-zjj'], kw: ['农民工', '包工头', '工地欠薪', '工程款', '项目部'], priority: 70 },

  // 生态环境
  { id: 'hb', name: '生态环境（市生态环境局）', to: unit('dept-sthj'), cats: ['大气污染', '水污染', '噪声污染', '固体废物'], priority: 30 },
  { id: 'hb-fq', name: '工业废气与异味（市生态环境局）', to: unit('dept-sthj'), cats: ['工业废气', '异味扰民'], kw: ['废气', '偷排', '烟囱', '刺鼻', '异味', '臭味', '化工厂', '排放'], ex: ['油烟', '垃圾', '河道', '河水', '河里', '下水道', '厕所'] },
  { id: 'hb-fs', name: '露天焚烧（属地街道/乡镇）', to: STREET, cats: ['露天焚烧'], kw: ['焚烧', '秸秆', '烧垃圾', '露天焚烧'] },
  { id: 'hb-hd', name: '河道污染（市水务局，生态环境局协办）', to: unit('dept-swj'), co: ['dept-sthj'], cats: ['河道污染'], kw: ['河道', '河水', '死鱼', '黑臭', '河水发臭', '河面'], priority: 75 },
  { id: 'hb-ws', name: '污水直排（市生态环境局）', to: unit('dept-sthj'), cats: ['污水直排'], kw: ['排污口', '污水直排', '排污'] },
  { id: 'hb-shzs', name: '社会生活噪声（属地街道）', to: STREET, cats: ['社会生活噪声'], kw: ['噪音', '噪声', '扰民', '广场舞', '音响', '喇叭', '装修'], ex: ['施工', '工地', '工厂', '厂房', '机器', '炸街', '改装', '摩托', '车辆', '油烟', '烧烤', '电动车'], priority: 75 },
  { id: 'hb-gyzs', name: '工业噪声（市生态环境局）', to: unit('dept-sthj'), cats: ['工业噪声'], kw: ['工厂噪音', '厂房', '机器轰鸣', '机器声', '冷却塔'], priority: 75 },
  { id: 'hb-gf', name: '固废倾倒（属地街道，城管局协办）', to: STREET, co: ['dept-cgj'], cats: ['固废倾倒'], kw: ['渣土', '建筑垃圾', '倾倒', '乱倒'], priority: 75 },
  { id: 'hb-wf', name: '危险废物（市生态环境局）', to: unit('dept-sthj'), cats: ['危险废物'], kw: ['危废', '废机油', '危险废物'], priority: 75 },

  // 水电气
  { id: 'sd-gs', name: '供水（市自来水公司）', to: unit('ent-zls'), cats: ['供水'], kw: ['停水', '没水', '断水', '水压', '水质', '自来水', '自来水发黄', '黄水', '水浑浊', '水费', '水表', '水管爆裂', '爆管'], ex: ['积水', '污水', '河水', '漏水', '渗水'] },
  { id: 'sd-gd', name: '供电（国网江州供电公司）', to: unit('ent-gdgs'), cats: ['供电'], kw: ['停电', '没电', '断电', '跳闸', '电压', '电费', '电表', '供电', '变压器', '电线杆'], ex: ['充电', '电梯', '电动车'] },
  { id: 'sd-rq', name: '燃气（江州燃气集团）', to: unit('ent-rq'), cats: ['燃气'], kw: ['燃气', '天然气', '漏气', '煤气味', '燃气味', '停气', '燃气表', '燃气灶'], ex: ['煤气罐', '液化气'] },

  // 教育
  { id: 'jy', name: '教育（市教育局）', to: unit('dept-jyj'), cats: ['教育'], kw: ['幼儿园', '入园', '小升初', '初中', '中考', '高中', '随迁子女', '积分入学', '培训机构', '补习班', '辅导班', '课外培训', '老师', '班主任', '体罚', '有偿补课', '课后服务', '延时服务', '托管', '校服', '资料费', '助学金', '学校'], ex: ['学校门口', '学区', '划片'] },
  { id: 'jy-xxrx', name: '义务教育学区划片入学（属地区政府）', to: DISTRICT, cats: ['小学入学'], kw: ['学区', '划片', '学位', '上一年级', '上小学', '小学报名', '对口小学', '学区房'], ex: ['随迁', '外地户口', '积分入学', '外地孩子'], priority: 75 },
  { id: 'jy-pxtf', name: '培训机构退费（市教育局，市场监管局协办）', to: unit('dept-jyj'), co: ['dept-scj'], cats: ['培训机构退费'], kw: ['培训退费', '补习班退费', '课时费', '培训费'], priority: 75 },

  // 医疗卫生
  { id: 'ws', name: '医疗卫生（市卫健委）', to: unit('dept-wjw'), cats: ['医疗服务', '公共卫生', '妇幼健康'], kw: ['医院', '医生', '护士', '挂号', '误诊', '医疗事故', '看病', '门诊', '急诊', '疫苗', '预防针', '接种', '出生证明', '出生医学证明', '生育登记', '卫生院', '诊所'], ex: ['医保', '报销', '老鼠', '蟑螂', '蚊子', '异地就医'] },
  { id: 'ws-bm', name: '病媒生物防制（属地街道）', to: STREET, cats: ['病媒生物防制'], kw: ['老鼠', '蟑螂', '蚊子', '灭鼠', '苍蝇', '白蚁'], ex: ['食品', '饭店', '后厨', '餐馆'], priority: 75 },
  { id: 'yb', name: '医疗保障（市医保局）', to: unit('dept-ybj'), cats: ['医疗保障'], kw: ['医保', '报销', '异地就医', '异地备案', '医保卡', '门诊统筹', '慢特病', '大病保险'], ex: ['医保缴费', '参保缴费', '缴纳医保', '交医保'] },
  { id: 'yb-jf', name: '城乡居民医保参保缴费（市税务局）', to: unit('dept-tax'), cats: ['医保参保缴费'], kw: ['医保缴费', '参保缴费', '缴纳医保', '交医保'], priority: 75 },

  // 民政与社会事务
  { id: 'mz', name: '民政事务（市民政局）', to: unit('dept-mzj'), cats: ['养老服务', '婚姻殡葬', '残疾人服务'], kw: ['养老院', '敬老院', '养老机构', '高龄津贴', '高龄补贴', '结婚登记', '离婚登记', '婚姻登记', '结婚证', '殡仪馆', '公墓', '墓地', '骨灰', '残疾证', '两项补贴'] },
  { id: 'mz-jj', name: '居家养老（属地街道）', to: STREET, cats: ['居家养老'], kw: ['长者食堂', '老年食堂', '助餐', '居家养老'], priority: 75 },
  { id: 'mz-jz', name: '社会救助（属地街道）', to: STREET, cats: ['社会救助'], kw: ['低保', '最低生活保障', '临时救助', '救助', '特困'] },
  { id: 'mz-sq', name: '社区事务与邻里纠纷（属地街道）', to: STREET, cats: ['社区事务'], kw: ['居委会', '社区工作', '网格员', '邻居', '楼上', '楼下', '邻里'], ex: ['噪音', '装修'] },

  // 公安政法
  { id: 'ga', name: '公安事务（市公安局）', to: unit('dept-gaj'), cats: ['户籍管理', '出入境', '治安管理'], kw: ['户口', '落户', '迁户', '身份证', '居住证', '暂住证', '护照', '港澳通行证', '台湾通行证', '签注', '赌博', '麻将馆', '诈骗', '被骗', '打架', '可疑人员', '被盗', '小偷', '偷盗', '吸毒', '派出所', '民警'] },
  { id: 'ga-cjg', name: '车驾管（市交警支队）', to: unit('dept-gaj-jj'), cats: ['车驾管'], kw: ['驾驶证', '驾照', '车管所', '机动车检验', '车辆年检', '车检', '行驶证'], priority: 75 },
  { id: 'sf', name: '法律服务（市司法局）', to: unit('dept-sfj'), cats: ['法律服务'], kw: ['法律援助', '律师', '打官司', '法律咨询', '公证', '人民调解'] },

  // 自然资源与规划
  { id: 'zr', name: '自然资源与规划（市自然资源和规划局）', to: unit('dept-zrzy'), cats: ['不动产登记', '规划管理'], kw: ['房产证', '不动产证', '不动产登记', '不动产权证', '产权证', '抵押', '解押', '规划许可', '规划变更', '规划公示', '不按规划', '规划红线', '控规', '容积率', '地质灾害', '山体滑坡'] },
  { id: 'zr-bz', name: '不动产权证办理（市自然资源和规划局，住建局协办）', to: unit('dept-zrzy'), co: ['dept-zjj'], cats: ['不动产权证办理'], kw: ['办证难', '迟迟办不了证', '延期办证'], priority: 75 },
  { id: 'zr-zd', name: '征地拆迁（属地区政府）', to: DISTRICT, cats: ['征地拆迁'], kw: ['征地', '拆迁', '安置房', '回迁', '补偿款', '征收'] },

  // 农业农村
  { id: 'ny', name: '农业生产（市农业农村局）', to: unit('dept-nyj'), cats: ['农业生产'], kw: ['种子', '化肥', '农药', '农资', '养殖', '病死猪', '动物防疫', '兽药'] },
  { id: 'ny-nz', name: '农资质量（市农业农村局，市场监管局协办）', to: unit('dept-nyj'), co: ['dept-scj'], cats: ['农资质量'], kw: ['假种子', '假化肥', '假农药'], priority: 75 },
  { id: 'ny-bt', name: '惠农补贴（属地乡镇）', to: STREET, cats: ['惠农补贴'], kw: ['种粮补贴', '耕地地力补贴', '惠农补贴', '农机补贴', '粮食补贴'], priority: 75 },
  { id: 'ny-js', name: '农村建设与土地（属地乡镇）', to: STREET, cats: ['农村建设', '农村土地'], kw: ['村道', '乡村公路', '村里的路', '进村', '村里', '村委会', '土地流转', '承包地', '宅基地', '农村建房'], ex: ['公积金'] },

  // 文化旅游体育
  { id: 'wl', name: '文化旅游（市文广旅局）', to: unit('dept-wlj'), cats: ['旅游市场', '文化市场'], kw: ['旅行社', '导游', '强制购物', '旅游团', '景区', '门票', '图书馆', '博物馆', '文化馆', '网吧', '未成年人上网', '剧本杀', '演出'] },
  { id: 'wl-js', name: '全民健身设施（属地街道）', to: STREET, cats: ['全民健身'], kw: ['健身器材', '健身路径', '篮球场', '乒乓球台', '健身设施'] },

  // 财税金融
  { id: 'sw', name: '税务（市税务局）', to: unit('dept-tax'), cats: ['税务'], kw: ['个税', '个人所得税', '汇算', '退税', '开发票', '发票', '纳税', '税务'] },
  { id: 'gjj', name: '住房公积金（市公积金中心）', to: unit('dept-gjj'), cats: ['住房公积金'], kw: ['公积金'], priority: 75 },
  { id: 'jr-jz', name: '非法集资（属地区政府）', to: DISTRICT, cats: ['非法集资'], kw: ['非法集资', '集资', '理财爆雷', '高息', '高回报', '养老投资'] },

  // 政务服务
  { id: 'zw', name: '办事咨询（市数据局）', to: unit('dept-sjj'), cats: ['办事咨询'], kw: ['办事流程', '一网通办', '政务服务网', '网上办', '小程序', '办事指南', '需要什么材料', '在哪办', '政务服务'], ex: ['态度', '推诿'] },
  { id: 'zw-zf', name: '工作作风（市政府督查室）', to: unit(SUPERVISION_ID), cats: ['工作作风'], kw: ['推诿', '不作为', '乱作为', '吃拿卡要', '踢皮球', '门难进', '脸难看'], types: ['complaint', 'report', 'accuse', 'appeal'], priority: 80 },
  { id: 'zw-qy', name: '惠企政策与营商环境（市发改委）', to: unit('dept-fgw'), cats: ['惠企政策'], kw: ['惠企', '企业补贴', '减税降费', '营商环境', '纾困'] },

  { id: 'tyjr', name: '退役军人事务（市退役军人事务局）', to: unit('dept-tyjr'), kw: ['退役军人', '退伍军人', '优待证', '复员', '军属', '烈属', '伤残军人'] },

  // 应急安全
  { id: 'yj', name: '安全生产（市应急管理局）', to: unit('dept-yjj'), cats: ['安全生产'], kw: ['安全隐患', '违规作业', '危险化学品', '危化品', '易燃易爆', '非法储存', '安全生产'], ex: ['电梯', '消防通道', '充电', '燃气', '学校门口'] },
  { id: 'yj-fx', name: '防汛排涝（市水务局）', to: unit('dept-swj'), cats: ['防汛排涝'], kw: ['积水', '内涝', '淹水', '排涝', '进水', '倒灌'], ex: ['停水'], priority: 75 },
  { id: 'yj-dz', name: '地质灾害（市自然资源和规划局）', to: unit('dept-zrzy'), cats: ['地质灾害'], kw: ['山体滑坡', '塌方', '滑坡', '落石'], priority: 75 },
  { id: 'yj-xf', name: '消防安全（属地街道）', to: STREET, cats: ['消防安全'], kw: ['消防通道', '飞线充电', '楼道充电', '电动车充电', '电瓶车充电', '电动车进楼', '推进电梯', '消防栓', '灭火器'], priority: 75 },

  // 综合事项
  { id: 'zh-by', name: '表扬单位（属地街道）', to: STREET, cats: ['表扬单位'], kw: ['社区', '街道', '网格员', '居委会'], types: ['praise'] },
  { id: 'zh-by-gj', name: '表扬公交司乘（市公交集团）', to: unit('ent-gj'), kw: ['公交', '司机', '驾驶员', '乘务员'], types: ['praise'], priority: 80 },
  { id: 'zh-by-ga', name: '表扬民警（市公安局）', to: unit('dept-gaj'), kw: ['民警', '派出所', '警察', '辅警'], types: ['praise'], priority: 80 },
  { id: 'zh-jy', name: '城市建设建议（市城管局）', to: unit('dept-cgj'), cats: ['城市发展建议'], kw: ['公厕', '公共厕所', '城市建设建议'] },
];

// ------------------------------------------------------------------ aliases

/**
 * Names citizens use for departments and public enterprises (besides the
 * official name and short name), for RoutingUnit.aliases: the engine finds
 * complaints about a unit's staff by them.
 */
export const UNIT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'dept-zjj': ['住建局', '住建部门', '住房和城乡建设局', '建设局', '房管局'],
  'dept-jtj': ['交通局', '交通运输局', '运管处', '交通执法'],
  'dept-scj': ['市场监管局', '市监局', '工商局', '市场监管部门'],
  'dept-rsj': ['人社局', '人社部门', '劳动监察大队', '社保局', '社保中心'],
  'dept-sthj': ['生态环境局', '环保局', '环保部门'],
  'dept-cgj': ['城管局', '城管执法局', '城管部门', '城管队员', '城管执法人员'],
  'dept-gaj': ['公安局', '派出所', '公安分局', '公安部门'],
  'dept-gaj-jj': ['交警支队', '交警大队', '交警', '交管部门', '车管所'],
  'dept-jyj': ['教育局', '教育部门'],
  'dept-wjw': ['卫健委', '卫生健康委', '卫生局'],
  'dept-zrzy': ['自然资源局', '自然资源和规划局', '规划局', '国土局', '不动产登记中心'],
  'dept-swj': ['水务局', '水利局'],
  'dept-mzj': ['民政局', '婚姻登记处'],
  'dept-ybj': ['医保局', '医保中心', '医保经办'],
  'dept-wlj': ['文旅局', '文化和旅游局', '文广旅局'],
  'dept-nyj': ['农业农村局', '农业局'],
  'dept-swuj': ['商务局'],
  'dept-yjj': ['应急管理局', '应急局', '安监局'],
  'dept-tax': ['税务局', '税务部门', '办税服务厅'],
  'dept-gjj': ['公积金中心', '公积金管理中心'],
  'dept-sjj': ['数据局', '政务服务中心', '行政服务中心', '市民之家'],
  'dept-fgw': ['发改委', '发展改革委'],
  'dept-sfj': ['司法局', '法律援助中心'],
  'dept-tyjr': ['退役军人事务局'],
  'ent-gdgs': ['供电公司', '供电局', '电力公司', '国家电网'],
  'ent-zls': ['自来水公司'],
  'ent-rq': ['燃气公司', '燃气集团'],
  'ent-gj': ['公交集团', '公交公司'],
  [SUPERVISION_ID]: ['督查室'],
};

/**
 * Aliases of every unit: UNIT_ALIASES for departments and enterprises, and
 * for streets/towns and districts the names of the office (湖滨街道办,
 * 长岭镇政府, 东湖区政府) — never the bare place name, which is an address.
 */
export function unitAliases(units: readonly SeedUnit[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const u of units) {
    const fixed = UNIT_ALIASES[u._id];
    if (fixed) {
      out.set(u._id, [...fixed]);
      continue;
    }
    if (u.kind === 'street') {
      const local = localName(u);
      const town = /[镇乡]$/.test(local);
      out.set(u._id, town ? [`${local}政府`, `${local}人民政府`] : [`${local}办事处`, `${local}办`]);
    } else if (u.kind === 'district') {
      out.set(u._id, u._id === 'dist-gx' ? ['高新区管委会'] : [`${u.shortName}政府`, `${u.shortName}人民政府`]);
    }
  }
  return out;
}

/** 湖滨街道 from 东湖区湖滨街道. */
function localName(street: SeedUnit): string {
  const m = /^.*?[区县](.+)$/.exec(street.shortName);
  return m ? m[1]! : street.shortName;
}

/** 湖滨 from 湖滨街道, 长岭 from 长岭镇 (no short form for 乡: 杨柳 stays 杨柳乡). */
function coreName(local: string): string | null {
  const m = /^(.+?)(街道|镇)$/.exec(local);
  return m ? m[1]! : null;
}

// ------------------------------------------------------------------ gazetteer

/** Short forms that are also common words (小区东门, 桂花树, 科创企业, 花园小区): not used as aliases. */
const NO_SHORT_ALIAS = new Set(['东门', '桂花', '科创', '花园', '城关']);

/** District short forms. */
const DISTRICT_ALIASES: Record<string, string[]> = {
  'dist-gx': ['高新区', '江州高新区', '高新开发区'],
  'dist-qy': ['青阳'],
};

/** Well-known places besides the seed's roads and compounds: [name, aliases, kind, street id]. */
const LANDMARKS: Array<[string, string[], Place['kind'], string]> = [
  ['湖滨公园', [], 'landmark', 'st-dh-hb'],
  ['东湖区人民广场', ['人民广场'], 'landmark', 'st-dh-dm'],
  ['府前菜市场', [], 'landmark', 'st-dh-dm'],
  ['江州一中', ['市一中'], 'landmark', 'st-dh-qy'],
  ['江州大学', [], 'landmark', 'st-dh-qy'],
  ['桃园农贸市场', [], 'landmark', 'st-dh-ty'],
  ['江滩公园', ['滨江公园'], 'landmark', 'st-jb-lj'],
  ['客运码头', [], 'landmark', 'st-jb-lj'],
  ['北湖公园', [], 'landmark', 'st-jb-bh'],
  ['江北万达广场', ['万达广场'], 'landmark', 'st-jb-wj'],
  ['南山公园', [], 'landmark', 'st-ns-ns'],
  ['白沙洲农贸市场', [], 'landmark', 'st-ns-bs'],
  ['金桥商城', [], 'landmark', 'st-ns-jq'],
  ['梅岭风景区', ['梅岭景区'], 'landmark', 'st-ns-ml'],
  ['云溪湿地公园', [], 'landmark', 'st-yx-yx'],
  ['江州火车站', ['火车站'], 'landmark', 'st-yx-xq'],
  ['江州汽车站', ['汽车站', '长途汽车站'], 'landmark', 'st-yx-xq'],
  ['花园街道丁香公园', ['丁香公园'], 'landmark', 'st-yx-hy'],
  ['江州市民中心', ['市民中心'], 'landmark', 'st-gx-kc'],
  ['高新区管委会大楼', [], 'landmark', 'st-gx-lw'],
  ['青阳县人民医院', ['县人民医院', '县医院'], 'landmark', 'st-qy-cg'],
  ['青阳县第一中学', ['青阳一中'], 'landmark', 'st-qy-cg'],
];

/** The city hospitals (HOSPITALS of the templates) and the street each stands in. */
const HOSPITAL_STREETS: Record<string, [string, string[]]> = {
  江州市第一人民医院: ['st-dh-dm', ['市一医院', '第一人民医院']],
  江州市中医院: ['st-dh-qy', ['市中医院']],
  江州市妇幼保健院: ['st-jb-wj', ['妇幼保健院']],
  江州市第三人民医院: ['st-ns-bs', ['市三医院', '第三人民医院']],
  江州市儿童医院: ['st-yx-hy', ['儿童医院']],
};

/**
 * The gazetteer. Order matters when two names of equal length are found in
 * one text (the engine keeps the first): communities and villages come
 * first, then landmarks, streets, roads and districts — an address naming a
 * compound and a road is the compound's.
 */
function buildPlaces(units: readonly SeedUnit[]): Place[] {
  const streets = units.filter((u) => u.kind === 'street');
  const districts = units.filter((u) => u.kind === 'district');
  const communities: Place[] = [];
  const roads: Place[] = [];
  const streetPlaces: Place[] = [];
  const landmarks: Place[] = [];
  const roadOwner = new Map<string, string>();
  for (const s of streets) {
    const meta = unitMeta(s._id);
    const district = districts.find((d) => d._id === s.parentId)!;
    for (const name of meta.places ?? []) {
      // 长岭镇集镇 is the town centre: the town itself.
      const aliases = name.endsWith('集镇') ? [] : [`${district.shortName}${name}`];
      communities.push({ name, ...(aliases.length ? { aliases } : {}), kind: 'community', unitId: s._id });
    }
    // A road may run through several streets; it is listed once, under the first street that names it.
    for (const road of meta.roads ?? []) {
      if (roadOwner.has(road)) continue;
      roadOwner.set(road, s._id);
      roads.push({ name: road, kind: 'road', unitId: s._id });
    }
    const local = localName(s);
    const core = coreName(local);
    const aliases = [`${district.shortName}${local}`];
    if (core && core.length >= 2 && !NO_SHORT_ALIAS.has(core)) aliases.push(core);
    if (/街道$/.test(local)) aliases.push(`${local}办事处`, `${local}办`);
    else aliases.push(`${local}政府`);
    streetPlaces.push({ name: local, aliases, kind: 'street', unitId: s._id });
  }
  for (const [name, aliases, kind, unitId] of LANDMARKS) landmarks.push({ name, ...(aliases.length ? { aliases } : {}), kind, unitId });
  for (const h of HOSPITALS) {
    const at = HOSPITAL_STREETS[h];
    if (at) landmarks.push({ name: h, aliases: at[1], kind: 'landmark', unitId: at[0] });
  }
  // The seed's schools are 东湖区湖滨小学 …: one per street.
  for (const s of streets) {
    const district = districts.find((d) => d._id === s.parentId)!;
    const core = coreName(localName(s)) ?? localName(s);
    landmarks.push({ name: `${core}小学`, aliases: [`${district.shortName}${core}小学`], kind: 'landmark', unitId: s._id });
  }
  const districtPlaces: Place[] = districts.map((d) => ({
    name: d.shortName,
    aliases: [`江州市${d.shortName}`, ...(DISTRICT_ALIASES[d._id] ?? [])].filter((a) => a !== d.shortName),
    kind: 'district',
    unitId: d._id,
  }));
  return [...communities, ...landmarks, ...streetPlaces, ...roads, ...districtPlaces];
}

// ------------------------------------------------------------------ areas

/** Half the size of a street's cell: streets of a district lie 0.011° apart east-west (units.ts). */
const HALF_LNG = 0.0055;
const HALF_LAT = 0.0065;

/** A square cell around each street's point: cells of one district touch but never overlap. */
function buildAreas(units: readonly SeedUnit[]): AreaPolygon[] {
  return units
    .filter((u) => u.kind === 'street' && unitMeta(u._id).point)
    .map((u) => {
      const { lng, lat } = unitMeta(u._id).point!;
      const r = (x: number) => Math.round(x * 1e6) / 1e6;
      const ring = [
        [r(lng - HALF_LNG), r(lat - HALF_LAT)],
        [r(lng + HALF_LNG), r(lat - HALF_LAT)],
        [r(lng + HALF_LNG), r(lat + HALF_LAT)],
        [r(lng - HALF_LNG), r(lat + HALF_LAT)],
        [r(lng - HALF_LNG), r(lat - HALF_LAT)],
      ];
      return { unitId: u._id, geometry: { type: 'Polygon' as const, coordinates: [ring] } };
    });
}

// ------------------------------------------------------------------ builder

/** Category code of a dictionary name (unique at its level) or path `城乡建设/物业管理/电梯故障`. */
function categoryCodes(categories: readonly SeedCategory[]): (name: string) => string {
  const byName = new Map<string, SeedCategory[]>();
  for (const c of categories) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  return (name) => {
    if (name.includes('/')) {
      const c = categories.find((x) => x.path.join('/') === name);
      if (!c) throw new Error(`catalogue: no category ${name}`);
      return c._id;
    }
    const found = byName.get(name) ?? [];
    if (found.length !== 1) throw new Error(`catalogue: category ${name} ${found.length ? 'is ambiguous' : 'does not exist'}`);
    return found[0]!._id;
  };
}

function buildRules(categories: readonly SeedCategory[]): DispatchRule[] {
  const code = categoryCodes(categories);
  const rules: DispatchRule[] = [];
  for (const e of ENTRIES) {
    const prefixes = e.cats?.map(code);
    // The broadest subject named sets the default priority: matters (level 3) 70, subjects (level 2) 40, fields (level 1) 30.
    const level = prefixes?.length ? Math.min(...prefixes.map((p) => p.length)) : 0;
    const priority = e.priority ?? (level >= 6 ? 70 : level >= 4 ? 40 : level > 0 ? 30 : 50);
    const base = {
      priority,
      ...(e.types ? { types: e.types } : {}),
      target: e.to,
      ...(e.co?.length ? { coUnitIds: e.co } : {}),
      active: true,
    };
    const split = !!(prefixes?.length && e.kw?.length && e.ex?.length);
    if (prefixes?.length) {
      rules.push({
        id: e.id,
        name: e.name,
        categoryPrefixes: prefixes,
        ...(e.kw?.length && !split ? { keywords: e.kw } : {}),
        ...base,
      });
    }
    if (e.kw?.length && (split || !prefixes?.length)) {
      rules.push({
        id: prefixes?.length ? `${e.id}-kw` : e.id,
        name: prefixes?.length ? `${e.name}·关键词` : e.name,
        keywords: e.kw,
        ...(e.ex?.length ? { excludeKeywords: e.ex } : {}),
        ...base,
        // A keyword alone is weaker evidence than the subject the operator chose.
        priority: Math.min(priority, 60),
      });
    }
  }
  return rules;
}

/** The demo city's catalogue: rules, gazetteer and street polygons. */
export function buildDemoCatalogue(units: readonly SeedUnit[], categories: readonly SeedCategory[]): DemoCatalogue {
  return { rules: buildRules(categories), places: buildPlaces(units), areas: buildAreas(units) };
}
