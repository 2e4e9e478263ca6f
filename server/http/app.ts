import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { AppDeps, AppState } from './context.ts';
import { errorHandler, requestContext } from './middleware.ts';
import { assertSafeKeys } from './validate.ts';
import { AppError } from '../errors.ts';
import { authRoutes } from './routes/auth.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { publicRoutes } from './routes/public.ts';
import { systemRoutes } from './routes/system.ts';
import { dictionaryRoutes } from './routes/dictionary.ts';
import { serveConsole } from './static.ts';
import { timeLimitRoutes } from './routes/time-limits.ts';
import { workflowRoutes } from './routes/workflow.ts';
import { catalogueRoutes } from './routes/catalogue.ts';
import { knowledgeRoutes } from './routes/knowledge.ts';
import { boardRoutes } from './routes/board.ts';

/** The Koa application: middleware order is context → errors → body → key guard → routes. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.config.TRUST_PROXY });
  app.silent = true; // errors are logged by errorHandler with the request id

  app.use(requestContext());
  app.use(errorHandler());
  app.use(serveConsole());
  app.use(async (ctx, next) => {
    const hasBody = ['POST', 'PUT', 'PATCH'].includes(ctx.method) && ctx.request.length !== 0 && ctx.get('content-length') !== '0';
    if (hasBody && !ctx.is('application/json')) {
      throw new AppError(415, 'unsupported_media_type', '请使用 Content-Type: application/json (send JSON)');
    }
    await next();
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: deps.config.BODY_LIMIT, encoding: 'utf-8' }));
  app.use(async (ctx, next) => {
    assertSafeKeys(ctx.request.body);
    assertSafeKeys(ctx.query);
    await next();
  });

  for (const router of [systemRoutes(deps), authRoutes(deps), publicRoutes(deps), timeLimitRoutes(deps), ticketRoutes(deps), workflowRoutes(deps), catalogueRoutes(deps), knowledgeRoutes(deps), boardRoutes(deps), dictionaryRoutes(deps)]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
