import { randomUUID } from 'node:crypto';
import type { Next } from 'koa';
import { AppError, ForbiddenError, UnauthorizedError } from '../errors.ts';
import { logger } from '../logger.ts';
import type { Role } from '../domain/ticket.ts';
import type { Viewer } from '../domain/access.ts';
import type { AppDeps, Ctx } from './context.ts';
import { httpDuration } from './metrics.ts';

const REQUEST_ID = /^[\w-]{8,64}$/;

/** Request id (taken from X-Request-Id when sane), a child logger, an access log line and metrics. */
export function requestContext() {
  return async (ctx: Ctx, next: Next) => {
    const given = ctx.get('x-request-id');
    ctx.state.requestId = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state.log = logger.child({ reqId: ctx.state.requestId });
    ctx.set('X-Request-Id', ctx.state.requestId);
    const start = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - start;
      const route = ctx.state.routePattern ?? (ctx.status === 404 ? 'unmatched' : ctx.path);
      httpDuration.observe({ method: ctx.method, route, status: String(ctx.status) }, ms / 1000);
      if (ctx.status >= 500 || ms > 1000) {
        ctx.state.log.warn({ method: ctx.method, route, status: ctx.status, ms: Math.round(ms) }, 'request');
      } else {
        ctx.state.log.debug({ method: ctx.method, route, status: ctx.status, ms: Math.round(ms) }, 'request');
      }
    }
  };
}

/**
 * The one error shape: { error: { code, message, details? } }. Known errors keep
 * their status and code; body-parser and Koa http-errors map to stable codes;
 * anything else is a 500 with no internal message.
 */
export function errorHandler() {
  return async (ctx: Ctx, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: '接口不存在 (no such endpoint)' } };
      }
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) ctx.state.log?.error({ err }, 'unhandled error');
      ctx.status = e.status;
      ctx.body = { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
      if (e.status === 429 && 'retryAfterSec' in e) ctx.set('Retry-After', String(e.retryAfterSec));
    }
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
  const type = (err as { type?: string }).type;
  if (status === 413 || type === 'entity.too.large') return new AppError(413, 'payload_too_large', '请求体过大 (request body too large)');
  if (err instanceof SyntaxError || type === 'entity.parse.failed') {
    // co-body refuses __proto__ keys while parsing (prototype poisoning) with a SyntaxError.
    if (/prototype/i.test((err as Error).message)) {
      return new AppError(400, 'forbidden_key', '字段名 "__proto__" 不允许 (prototype keys are refused)');
    }
    return new AppError(400, 'invalid_json', '请求体不是合法的 JSON (malformed JSON body)');
  }
  if (status === 415 || type === 'unsupported.media.type') {
    return new AppError(415, 'unsupported_media_type', '请使用 application/json (send JSON)');
  }
  if (status && status >= 400 && status < 500) return new AppError(status, 'bad_request', '请求无效 (bad request)');
  return new AppError(500, 'internal', '服务器内部错误，请稍后重试 (internal error)');
}

/** Require a valid login token; sets ctx.state.viewer. */
export function authenticate(deps: AppDeps) {
  return async (ctx: Ctx, next: Next) => {
    const header = ctx.get('authorization');
    const m = /^Bearer ([\w.-]+)$/.exec(header);
    if (!m) throw new UnauthorizedError();
    ctx.state.viewer = await deps.tokens.verify(m[1]!);
    await next();
  };
}

/** The authenticated viewer; a route behind `authenticate` always has one. */
export function viewerOf(ctx: Ctx): Viewer {
  if (!ctx.state.viewer) throw new UnauthorizedError();
  return ctx.state.viewer;
}

/** Require one of the given roles. */
export function requireRole(roles: ReadonlySet<Role> | readonly Role[]) {
  const allowed = new Set(roles);
  return async (ctx: Ctx, next: Next) => {
    if (!allowed.has(viewerOf(ctx).role)) throw new ForbiddenError();
    await next();
  };
}

/** Client address for rate limits (X-Forwarded-For only when configured to trust a proxy). */
export function clientKey(ctx: Ctx): string {
  return ctx.ip || 'unknown';
}
