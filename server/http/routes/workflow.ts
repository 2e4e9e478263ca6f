import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps, AppState } from '../context.ts';
import { authenticate, viewerOf } from '../middleware.ts';
import { parseInput } from '../validate.ts';
import { REPLY_RESULT_KEYS, SATISFACTION_KEYS } from '../../domain/ticket.ts';
import { runCommand, type CommandInput } from '../../services/workflow.ts';
import { ticketView } from '../../services/ticket-view.ts';
import { notifySupervised } from '../../services/supervision.ts';

const text = (max: number) => z.string().trim().min(1, '不能为空 (required)').max(max, `最多 ${max} 字 (too long)`);
const unitId = text(64);
const version = z.number({ error: '需提供工单版本号 (the version you acted on)' }).int().min(1);

/** One schema per action: POST /api/v1/tickets/:id/actions/:action { version, ...fields }. */
const ACTIONS = {
  dispatch: z.strictObject({ version, leadUnitId: unitId, coUnitIds: z.array(unitId).max(10).optional(), note: text(500).optional() }),
  redispatch: z.strictObject({ version, leadUnitId: unitId, coUnitIds: z.array(unitId).max(10).optional(), reason: text(500) }),
  arbitrate: z.strictObject({ version, leadUnitId: unitId, coUnitIds: z.array(unitId).max(10).optional(), reason: text(500) }),
  accept: z.strictObject({ version }),
  contact: z.strictObject({ version, note: text(1000) }),
  progress: z.strictObject({ version, note: text(2000) }),
  request_return: z.strictObject({ version, reason: text(1000) }),
  decide_return: z.strictObject({ version, approve: z.boolean(), reason: text(1000) }),
  co_report: z.strictObject({ version, text: text(5000) }),
  reply: z.strictObject({
    version,
    result: z.enum(REPLY_RESULT_KEYS),
    text: text(5000),
    override: text(500).optional(),
    cause: text(1000).optional(),
    responsibility: text(500).optional(),
  }),
  merge: z.strictObject({ version, parentId: z.string().regex(/^[0-9a-f]{24}$/, '应为 24 位工单 ID (ticket id)'), note: text(500).optional() }),
  review: z.strictObject({ version, approve: z.boolean(), reason: text(1000).optional() }),
  callback: z.strictObject({
    version,
    satisfaction: z.enum(SATISFACTION_KEYS),
    resolved: z.boolean(),
    unitFault: z.boolean().default(false),
    note: text(1000).optional(),
  }),
  supervise: z.strictObject({ version, note: text(1000) }),
} as const;
type Action = keyof typeof ACTIONS;

const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '应为 24 位工单 ID (ticket id)');
const actionSchema = z.enum(Object.keys(ACTIONS) as [Action, ...Action[]], { error: `未知的操作，可选：${Object.keys(ACTIONS).join(', ')}` });

export function workflowRoutes(deps: AppDeps): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api/v1/tickets' });
  r.use(authenticate(deps));

  r.post('/:id/actions/:action', async (ctx) => {
    const id = parseInput(idSchema, ctx.params.id, 'id');
    const action = parseInput(actionSchema, ctx.params.action, 'action');
    const { version: v, ...fields } = parseInput(ACTIONS[action], ctx.request.body) as { version: number } & Record<string, unknown>;
    const viewer = viewerOf(ctx);
    const t = await runCommand(id, v, { kind: action, ...fields } as CommandInput, viewer);
    if (action === 'supervise') await notifySupervised(t, viewer);
    ctx.body = { ticket: ticketView(t, viewer, true) };
  });

  return r;
}
