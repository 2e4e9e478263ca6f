import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

/** UI text: Chinese by default, English on request (the choice is kept in localStorage). */
export type Lang = 'zh' | 'en';

const zh = {
  appName: '12345 热线工单系统',
  city: '江州市',
  login: '登录',
  logout: '退出',
  username: '用户名',
  password: '密码',
  loginFailed: '登录失败',
  citizenPage: '市民网上留言入口',
  navCall: '来电登记',
  navTickets: '工单列表',
  navQueue: '人工派单',
  liveOn: '实时连接正常',
  liveOff: '连接中断，正在重连…',
  callerPhone: '来电号码',
  callerName: '来电人姓名',
  type: '诉求类型',
  category: '事项分类',
  categorySearch: '输入名称或拼音首字母搜索，如 dt 电梯',
  urgency: '紧急程度',
  address: '事发地址',
  content: '诉求内容',
  contentHint: '时间、地点、人物、事件、诉求（五要素）',
  confidential: '来电人要求保密',
  dispatchOutcome: '派单',
  directAnswer: '直接答复',
  transfer: '转',
  answerText: '答复内容',
  answerTitle: '直接答复并办结',
  transferTitle: '转接紧急热线',
  transferConfirm: '确认已转接 {line}（{name}）并登记？',
  transferNote: '转接说明（可选）',
  confirm: '确定',
  cancel: '取消',
  clearForm: '清空',
  draftRestored: '已恢复未提交的登记内容',
  draftSaved: '草稿已自动保存',
  submitted: '已受理，工单编号 {number}',
  offlineQueued: '网络中断：登记内容已保存在本机，恢复连接后自动提交',
  resent: '网络恢复，已自动提交：工单编号 {number}',
  history: '来电人历史工单',
  historyNone: '该号码没有历史工单',
  historyHint: '输入来电号码后显示',
  shortcuts: '快捷键：Ctrl+Enter 派单 · Alt+D 直接答复 · Alt+1/2/3/4 转 110/119/120/122',
  required: '必填',
  number: '工单编号',
  status: '状态',
  createdAt: '受理时间',
  caller: '来电人',
  leadUnit: '主办单位',
  coUnits: '协办单位',
  summary: '诉求摘要',
  search: '搜索内容或编号',
  phoneFilter: '来电号码',
  reset: '重置',
  refresh: '刷新',
  loadMore: '加载更多',
  overdue: '超期',
  detail: '工单详情',
  timeline: '办理记录',
  back: '返回',
  forbidden: '无权查看该工单',
  notFound: '工单不存在',
  deadlines: '时限',
  channel: '渠道',
  owner: '首问责任人',
  none: '无',
  queueTitle: '人工派单队列',
  queueEmpty: '暂无待人工派单的工单',
  dispatchTo: '派往单位',
  dispatchNote: '派单说明（可选）',
  dispatchDone: '已派单：{number} → {unit}',
  conflict: '工单已被他人修改，已刷新，请重新操作',
  chooseUnit: '请选择主办单位',
  newTicketsLive: '新工单会自动出现，无需刷新',
  masked: '（已脱敏）',
  hidden: '（身份保密）',
  networkError: '网络异常，请稍后重试',
  language: 'English',
  emergency: '紧急转接',
  closure: '办结方式',
  actor: '操作人',
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  appName: '12345 Hotline Tickets',
  city: 'Jiangzhou',
  login: 'Log in',
  logout: 'Log out',
  username: 'User name',
  password: 'Password',
  loginFailed: 'Login failed',
  citizenPage: 'Citizens: leave a message',
  navCall: 'Log a call',
  navTickets: 'Tickets',
  navQueue: 'Manual dispatch',
  liveOn: 'Live',
  liveOff: 'Disconnected, reconnecting…',
  callerPhone: 'Caller phone',
  callerName: 'Caller name',
  type: 'Request type',
  category: 'Category',
  categorySearch: 'Type a name or pinyin initials, e.g. dt',
  urgency: 'Urgency',
  address: 'Address',
  content: 'Request',
  contentHint: 'When, where, who, what happened, what is asked',
  confidential: 'Caller asks for confidentiality',
  dispatchOutcome: 'Dispatch',
  directAnswer: 'Direct answer',
  transfer: 'To',
  answerText: 'Answer',
  answerTitle: 'Answer directly and close',
  transferTitle: 'Transfer to an emergency line',
  transferConfirm: 'Transferred to {line} ({name})? Record it?',
  transferNote: 'Note (optional)',
  confirm: 'OK',
  cancel: 'Cancel',
  clearForm: 'Clear',
  draftRestored: 'Unsaved call restored',
  draftSaved: 'Draft saved',
  submitted: 'Recorded as ticket {number}',
  offlineQueued: 'Offline: the call is kept on this computer and sent when the connection is back',
  resent: 'Back online, sent: ticket {number}',
  history: "Caller's previous tickets",
  historyNone: 'No previous tickets for this number',
  historyHint: 'Shown once the phone number is typed',
  shortcuts: 'Keys: Ctrl+Enter dispatch · Alt+D direct answer · Alt+1/2/3/4 transfer to 110/119/120/122',
  required: 'Required',
  number: 'Number',
  status: 'Status',
  createdAt: 'Received',
  caller: 'Caller',
  leadUnit: 'Lead unit',
  coUnits: 'Co-handling',
  summary: 'Summary',
  search: 'Search text or number',
  phoneFilter: 'Caller phone',
  reset: 'Reset',
  refresh: 'Refresh',
  loadMore: 'Load more',
  overdue: 'Overdue',
  detail: 'Ticket',
  timeline: 'History',
  back: 'Back',
  forbidden: 'You may not open this ticket',
  notFound: 'No such ticket',
  deadlines: 'Time limits',
  channel: 'Channel',
  owner: 'Responsible',
  none: 'None',
  queueTitle: 'Manual dispatch queue',
  queueEmpty: 'Nothing waits for manual dispatch',
  dispatchTo: 'Dispatch to',
  dispatchNote: 'Note (optional)',
  dispatchDone: 'Dispatched: {number} → {unit}',
  conflict: 'Someone changed this ticket; reloaded, please try again',
  chooseUnit: 'Choose the lead unit',
  newTicketsLive: 'New tickets appear by themselves',
  masked: '(masked)',
  hidden: '(identity protected)',
  networkError: 'Network error, please retry',
  language: '中文',
  emergency: 'Emergency transfer',
  closure: 'Closed as',
  actor: 'By',
};

const STATUS: Record<Lang, Record<string, string>> = {
  zh: {
    new: '待派单',
    manual: '待人工派单',
    dispatched: '已派单',
    accepted: '办理中',
    return_requested: '退单待审',
    arbitration: '派单异议待裁决',
    replied: '已答复待审核',
    callback: '待回访',
    closed: '已办结',
    merged: '已并单',
  },
  en: {
    new: 'Routing',
    manual: 'Manual dispatch',
    dispatched: 'Dispatched',
    accepted: 'In progress',
    return_requested: 'Return requested',
    arbitration: 'Arbitration',
    replied: 'Replied, in review',
    callback: 'Callback due',
    closed: 'Closed',
    merged: 'Merged',
  },
};
const TYPES: Record<Lang, Record<string, string>> = {
  zh: { consult: '咨询', help: '求助', complaint: '投诉', report: '举报', suggestion: '建议', praise: '表扬', demand: '求决', appeal: '申诉', accuse: '检举', other: '其他' },
  en: { consult: 'Consultation', help: 'Help', complaint: 'Complaint', report: 'Report', suggestion: 'Suggestion', praise: 'Praise', demand: 'Demand', appeal: 'Appeal', accuse: 'Accusation', other: 'Other' },
};
const URGENCY: Record<Lang, Record<string, string>> = {
  zh: { normal: '一般', urgent: '紧急', critical: '特急' },
  en: { normal: 'Normal', urgent: 'Urgent', critical: 'Critical' },
};
const LINES: Record<Lang, Record<string, string>> = {
  zh: { '110': '公安', '119': '消防', '120': '急救', '122': '交警' },
  en: { '110': 'Police', '119': 'Fire', '120': 'Ambulance', '122': 'Traffic police' },
};
const ROLES: Record<Lang, Record<string, string>> = {
  zh: { operator: '话务员', dispatcher: '派单员', unit_handler: '承办人', manager: '管理人员', admin: '系统管理员' },
  en: { operator: 'Operator', dispatcher: 'Dispatcher', unit_handler: 'Unit handler', manager: 'Manager', admin: 'Administrator' },
};
const EVENTS: Record<Lang, Record<string, string>> = {
  zh: {
    created: '受理登记',
    routing_parked: '转人工派单',
    dispatched: '派单',
    redispatched: '改派',
    accepted: '签收',
    contacted: '先行联系',
    progress: '办理进展',
    noted: '办理进展',
    direct_answered: '直接答复',
    emergency_transferred: '紧急转接',
    return_requested: '申请退单',
    return_decided: '退单审核',
    co_reported: '协办反馈',
    replied: '答复',
    reviewed: '审核',
    callback: '回访',
    closed: '办结',
    merged: '并单',
    deadlines_set: '设定办理时限',
    warning: '临期预警',
    overdue: '已超期',
    escalated: '升级督办',
    reminded: '催办',
    extension_requested: '申请延期',
    extension_decided: '延期审批',
  },
  en: {
    created: 'Received',
    routing_parked: 'Sent to manual dispatch',
    dispatched: 'Dispatched',
    redispatched: 'Re-dispatched',
    accepted: 'Accepted',
    contacted: 'Citizen contacted',
    progress: 'Progress',
    noted: 'Progress',
    direct_answered: 'Answered directly',
    emergency_transferred: 'Emergency transfer',
    return_requested: 'Return requested',
    return_decided: 'Return decided',
    co_reported: 'Co-handling report',
    replied: 'Replied',
    reviewed: 'Reviewed',
    callback: 'Callback',
    closed: 'Closed',
    merged: 'Merged',
    deadlines_set: 'Time limits set',
    warning: 'Due soon',
    overdue: 'Overdue',
    escalated: 'Escalated',
    reminded: 'Reminder',
    extension_requested: 'Extension requested',
    extension_decided: 'Extension decided',
  },
};
const CHANNELS: Record<Lang, Record<string, string>> = {
  zh: { phone: '电话', web: '网站', wechat: '微信', app: 'APP', open311: 'Open311' },
  en: { phone: 'Phone', web: 'Web', wechat: 'WeChat', app: 'App', open311: 'Open311' },
};

export const REQUEST_TYPE_KEYS = Object.keys(TYPES.zh);
export const URGENCY_KEYS = ['normal', 'urgent', 'critical'] as const;
export const STATUS_KEYS = Object.keys(STATUS.zh);
export const LINE_KEYS = ['110', '119', '120', '122'] as const;

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  status(k: string): string;
  type(k: string): string;
  urgency(k: string): string;
  line(k: string): string;
  role(k: string): string;
  event(k: string): string;
  channel(k: string): string;
  dateTime(d: string | Date): string;
}

function make(lang: Lang, setLang: (l: Lang) => void): I18n {
  const dict = lang === 'en' ? en : zh;
  const pick = (table: Record<Lang, Record<string, string>>) => (k: string) => table[lang][k] ?? k;
  const fmt = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  return {
    lang,
    setLang,
    t: (key, vars) => dict[key].replace(/\{(\w+)\}/g, (_, v: string) => String(vars?.[v] ?? '')),
    status: pick(STATUS),
    type: pick(TYPES),
    urgency: pick(URGENCY),
    line: pick(LINES),
    role: pick(ROLES),
    event: pick(EVENTS),
    channel: pick(CHANNELS),
    dateTime: (d) => fmt.format(new Date(d)),
  };
}

const Ctx = createContext<I18n>(make('zh', () => undefined));

export function I18nProvider({ children }: { children: (i18n: I18n) => ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('hotline.lang') === 'en' ? 'en' : 'zh'));
  const value = useMemo(
    () =>
      make(lang, (l) => {
        localStorage.setItem('hotline.lang', l);
        document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
        setLangState(l);
      }),
    [lang],
  );
  return <Ctx.Provider value={value}>{children(value)}</Ctx.Provider>;
}

export function useI18n(): I18n {
  return useContext(Ctx);
}
