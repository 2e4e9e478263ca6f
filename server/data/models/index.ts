/** Importing this registers every model with mongoose (for syncAllIndexes). */
export { Ticket, type TicketDoc } from './ticket.ts';
export { Unit, type UnitDoc, UNIT_KINDS, type UnitKind } from './unit.ts';
export { Category, type CategoryDoc } from './category.ts';
export { User, type UserDoc } from './user.ts';
export { TimeLimitPolicy } from './policy.ts';
export { TicketChange, type TicketChangeRecord } from './ticket-change.ts';
export { Audit } from './audit.ts';
