import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps, AppState } from '../context.ts';
import { authenticate, requireRole, viewerOf } from '../middleware.ts';
import { parseInput } from '../validate.ts';
import { INTAKE_ROLES } from '../../domain/access.ts';
import { createEntry, deleteEntry, getEntry, listEntries, searchKnowledge, updateEntry } from '../../services/knowledge.ts';

/**
 * The knowledge base (知识库): operators search it while a consultation is
 * typed and answer from it directly (直接答复); admins edit it.
 */
const text = (max: number) => z.string().trim().min(1, '不能为空 (required)').max(max, `最多 ${max} 字 (too long)`);
const idSchema = z.string().regex(/^[0-9a-f]{24}$/, '应为 24 位条目 ID (entry id)');

const entrySchema = z.strictObject({
  title: text(200),
  keywords: z.array(text(30)).max(30, '关键词最多 30 个 (at most 30)').default([]),
  answer: text(5000),
  source: text(100).optional(),
  active: z.boolean().default(true),
});

const searchSchema = z.strictObject({
  q: text(5000),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});

const listSchema = z.strictObject({ active: z.enum(['true', 'false']).optional() });

export function knowledgeRoutes(deps: AppDeps): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api/v1' });
  r.use(authenticate(deps));
  const admin = requireRole(['admin']);

  // While the operator types the call: entries that answer it, best first, with the words that matched.
  r.get('/knowledge/search', requireRole(INTAKE_ROLES), async (ctx) => {
    const q = parseInput(searchSchema, ctx.query);
    ctx.body = { items: await searchKnowledge(q.q, q.limit) };
  });

  r.get('/admin/knowledge', admin, async (ctx) => {
    const q = parseInput(listSchema, ctx.query);
    const items = await listEntries();
    ctx.body = { items: q.active ? items.filter((e) => e.active === (q.active === 'true')) : items };
  });
  r.get('/admin/knowledge/:id', admin, async (ctx) => {
    ctx.body = { entry: await getEntry(parseInput(idSchema, ctx.params.id, 'id')) };
  });
  r.post('/admin/knowledge', admin, async (ctx) => {
    const input = parseInput(entrySchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { entry: await createEntry(input, viewerOf(ctx)) };
  });
  r.put('/admin/knowledge/:id', admin, async (ctx) => {
    const id = parseInput(idSchema, ctx.params.id, 'id');
    const input = parseInput(entrySchema, ctx.request.body);
    ctx.body = { entry: await updateEntry(id, input, viewerOf(ctx)) };
  });
  r.delete('/admin/knowledge/:id', admin, async (ctx) => {
    await deleteEntry(parseInput(idSchema, ctx.params.id, 'id'));
    ctx.status = 204;
  });

  return r;
}
