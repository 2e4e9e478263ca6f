import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { send } from '@koa/send';
import type { Next } from 'koa';
import type { Ctx } from './context.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'agent-ui');
/**
 * The built console (agent-ui/dist, `npm run build:ui`) when present, else the
 * plain pages in agent-ui/public. The citizens' web-message page is
 * /message.html in both; without a built console it is also the home page.
 */
const BUILT = existsSync(path.join(ROOT, 'dist', 'index.html'));
const STATIC_DIR = BUILT ? path.join(ROOT, 'dist') : path.join(ROOT, 'public');
const INDEX = BUILT ? '/index.html' : '/message.html';

/** Serve the console's static files; unknown non-API paths get index.html (client-side routes). */
export function serveConsole() {
  return async (ctx: Ctx, next: Next) => {
    await next();
    if (ctx.body !== undefined || ctx.status !== 404 || !['GET', 'HEAD'].includes(ctx.method)) return;
    if (ctx.path.startsWith('/api/') || ctx.path === '/health' || ctx.path === '/metrics') return;
    const file = path.extname(ctx.path) ? ctx.path : INDEX;
    try {
      // Hashed build assets may be cached; pages are always re-read.
      await send(ctx, file, { root: STATIC_DIR, maxage: file.startsWith('/assets/') ? 3600_000 : 0 });
    } catch {
      // not found: leave the 404
    }
  };
}
