/**
 * Pinyin initials of the characters used in the seed's category names, so an
 * operator can find 电梯故障 by typing "dtgz". Hand-made (no pinyin package in
 * the project); a test checks every category name is covered. Polyphonic
 * characters take the reading of the names here, with word overrides where a
 * name needs the other one (银行 yínháng, not xíng).
 */
const BY_INITIAL: Record<string, string> = {
  a: '安案澳',
  b: '保备办补不表边报病殡博包吧',
  c: '城产场尘餐出车处辞偿创才称初参残拆村承财存策充',
  d: '电地度道搭灯倒点堵单动登店定担贷大低赌抵得',
  e: '儿',
  f: '费服房分法伏纷付废焚防妇份反发非风',
  g: '管故公共改工广告盖购过格个关固供构规挂高港馆感',
  h: '会环毁化户患号护后和合河活婚划惠害',
  j: '建金举交介旧进加间境圾经井剪拒纠记监价检就技教机缴接健津居家救疾籍聚驾解基景具积集急减见',
  k: '开烤卡款课康口',
  l: '理量漏裂赁老垃类绿路林露乱疗劳龄临邻里律旅率涝',
  m: '木民苗媒明',
  n: '能女农南',
  p: '品破牌瓶培评排骗票',
  q: '墙期区全请清缺权欺气器欠倾迁取企',
  r: '容扰绕认人染燃入然融',
  s: '设收渗市商售施申损树烧食生社失伤事审水声视随师时身驶示诉税所上塞',
  t: '梯体塌天通停退特拖同贴态题台调土投提',
  w: '物务维委屋违外网卫无污味危问稳为文位',
  x: '乡修选销小性陷行线信享消械系险训泄学校询效汛项谢',
  y: '业延夜扬运营园隐饮油烟约拥养预验药医异压有育幼院疫与姻移援源押游银应意议',
  z: '障质资中租造装筑住占章政站载证诈种主执照注职直噪足招子周助制葬治众自征置宅咨指作灾综展',
};

const INITIAL = new Map<string, string>();
for (const [letter, chars] of Object.entries(BY_INITIAL)) {
  for (const ch of chars) INITIAL.set(ch, letter);
}

const WORD_OVERRIDES: ReadonlyArray<readonly [string, string]> = [['银行', 'yh']];

/** Characters of `text` that have no initial in the table (Latin letters and digits pass through). */
export function missingInitials(text: string): string[] {
  return Array.from(text).filter((ch) => /\p{Script=Han}/u.test(ch) && !INITIAL.has(ch));
}

/** Pinyin initials, e.g. 电梯故障 → 'dtgz'; characters not in the table are skipped. */
export function initials(text: string): string {
  let s = text;
  for (const [word, letters] of WORD_OVERRIDES) s = s.replaceAll(word, letters);
  return Array.from(s, (ch) => (/[a-z0-9]/i.test(ch) ? ch.toLowerCase() : (INITIAL.get(ch) ?? ''))).join('');
}
