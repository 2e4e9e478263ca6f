/** Importing this registers every model with mongoose (for syncAllIndexes). */
export { Ticket, type TicketDoc } from './ticket.ts';
export { Unit, type UnitDoc, UNIT_KINDS, type UnitKind } from './unit.ts';
export { Category, type CategoryDoc } from './category.ts';
export { User, type UserDoc } from './user.ts';
export { TicketChange, type TicketChangeRecord } from './ticket-change.ts';
export { Audit } from './audit.ts';
export {
  PolicySet,
  type PolicySetRecord,
  CalendarOverride,
  type CalendarOverrideRecord,
  CalendarYear,
  TimeLimitAudit,
  Notice,
  type NoticeRecord,
  NotificationDelivery,
} from './time-limits.ts';
export { DispatchRuleModel, PlaceModel, AreaModel, ClassifierModel, CatalogueMeta, toStoredArea, fromStoredArea, type StoredArea } from './catalogue.ts';
export { UnresolvedByPhone, type UnresolvedItem } from './unresolved.ts';
export { KnowledgeEntry, KnowledgeMeta, type KnowledgeRecord } from './knowledge.ts';
export { MetricDay, type MetricDayRecord } from './metric-day.ts';
