import type { Viewer } from '../domain/access.ts';
import type { TicketDoc } from '../data/models/index.ts';
import { logger } from '../logger.ts';
import { timeLimitRuntime } from './deadlines.ts';
import { deliver, recipientsFor, type Notification } from './notify.ts';

/**
 * Tell the lead unit about a 督办 just recorded on the ticket: its A/B
 * handlers and its managers (the recipients of a missed deadline), in the
 * console and on the outside channels. Keyed by the history event, so a retry
 * never notifies twice. Best effort: the order is already on the ticket's
 * record, which the unit sees either way.
 */
export async function notifySupervised(t: TicketDoc, by: Viewer): Promise<void> {
  const set = timeLimitRuntime()?.notifiers;
  const event = [...t.history].reverse().find((h) => h.type === 'supervised');
  if (!set || !event || !t.lead?.unitId) return;
  try {
    const n: Notification = {
      key: `${t._id.toHexString()}:supervised:${event.seq}`,
      // notify.ts names the kinds it was written for; a supervision order is one more.
      kind: 'supervised',
      ticket: { id: t._id.toHexString(), number: t.number, title: t.title ?? null, unitId: t.lead.unitId, unitName: t.lead.unitName ?? null },
      title: `督办：工单 ${t.number}`,
      text: `${by.name}督办工单 ${t.number}${t.title ? `「${t.title}」` : ''}：${event.note ?? ''}`,
      at: new Date(event.at).toISOString(),
      recipients: await recipientsFor(t.lead.unitId, 'due'),
    };
    await deliver(set, n);
  } catch (err) {
    logger.warn({ err: (err as Error).message, ticket: t.number }, 'supervision notice failed');
  }
}
