import Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps, AppState } from '../context.ts';
import { authenticate, clientKey, viewerOf } from '../middleware.ts';
import { assertNotLimited, consume } from '../rate-limit.ts';
import { parseInput } from '../validate.ts';
import { UnauthorizedError } from '../../errors.ts';

const loginSchema = z.strictObject({
  username: z.string().trim().min(1, '不能为空 (required)').max(64),
  password: z.string().min(1, '不能为空 (required)').max(256),
});

export function authRoutes(deps: AppDeps): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api/v1/auth' });

  r.post('/login', async (ctx) => {
    const { username, password } = parseInput(loginSchema, ctx.request.body);
    const key = `${username.toLowerCase()}|${clientKey(ctx)}`;
    await assertNotLimited(deps.limits.loginFailure, key);
    const res = await deps.tokens.login(username, password);
    if (!res) {
      await consume(deps.limits.loginFailure, key);
      throw new UnauthorizedError('用户名或密码错误 (wrong user name or password)');
    }
    await deps.limits.loginFailure.delete(key);
    ctx.body = { token: res.token, expiresAt: res.expiresAt, user: res.viewer };
  });

  r.get('/me', authenticate(deps), (ctx) => {
    ctx.body = { user: viewerOf(ctx) };
  });

  return r;
}
