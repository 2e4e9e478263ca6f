import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { send } from '@koa/send';
import type { Next } from 'koa';
import type { Ctx } from './context.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'agent-ui');
/** The built console (agent-ui/dist) when present, else the plain pages in agent-ui/public. */
const STATIC_DIR = existsSync(path.join(ROOT, 'dist', 'index.html')) ? path.join(ROOT, 'dist') : path.join(ROOT, 'public');

/** Serve the console's static files; unknown non-API paths get index.html (client-side routes). */
export function serveConsole() {
  return async (ctx: Ctx, next: Next) => {
    await next();
    if (ctx.body !== undefined || ctx.status !== 404 || !['GET', 'HEAD'].includes(ctx.method)) return;
    if (ctx.path.startsWith('/api/') || ctx.path === '/health' || ctx.path === '/metrics') return;
    const file = path.extname(ctx.path) ? ctx.path : '/index.html';
    try {
      await send(ctx, file, { root: STATIC_DIR, maxage: file === '/index.html' ? 0 : 3600_000 });
    } catch {
      // not found: leave the 404
    }
  };
}
