import test from 'ava';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { TokenService } from '../../server/services/auth.ts';
import { UnauthorizedError } from '../../server/errors.ts';

/**
 * A token's signature is checked once per process and remembered until the
 * token expires (consoles send the same token with every request): what is
 * remembered must never let a changed or expired token through.
 */
let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after.always(async () => app?.stop());

test('a token verified once still expires, and any change to it is checked again', async (t) => {
  // Valid for 5 s: long enough for the checks below on a busy machine (at 1 s a loaded CI run saw it expire before the second one).
  const tokens = new TokenService('auth-test-secret-0123456789abcdefghijklmnop', 5 / 60);
  const login = await tokens.login('op', app.fx.password);
  t.truthy(login);
  const { token } = login!;
  t.is((await tokens.verify(token)).role, 'operator');
  t.is((await tokens.verify(token)).role, 'operator', 'the remembered signature');
  const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
  await t.throwsAsync(tokens.verify(tampered), { instanceOf: UnauthorizedError, message: /invalid token/ });
  await new Promise((r) => setTimeout(r, login!.expiresAt.getTime() - Date.now() + 1100));
  await t.throwsAsync(tokens.verify(token), { instanceOf: UnauthorizedError, message: /expired/ });
});
