import test from 'ava';
import { ConfigError, loadConfig } from '../../server/config.ts';

const good = {
  MONGODB_URI: 'mongodb://127.0.0.1:27018/hotline',
  REDIS_URL: 'redis://127.0.0.1:6380',
  AUTH_SECRET: 'x'.repeat(32),
};

test('valid settings load with defaults', (t) => {
  const c = loadConfig(good);
  t.is(c.PORT, 3000);
  t.is(c.BODY_LIMIT, '64kb');
  t.is(c.REDIS_PREFIX, 'hotline');
});

test('every bad value is reported at once, one line each, naming the variable', (t) => {
  const err = t.throws(() => loadConfig({ MONGODB_URI: 'postgres://x', AUTH_SECRET: 'short', PORT: '99999', BODY_LIMIT: 'lots' }), { instanceOf: ConfigError });
  const vars = err!.problems.map((p) => p.split(':')[0]).sort();
  t.deepEqual(vars, ['AUTH_SECRET', 'BODY_LIMIT', 'MONGODB_URI', 'PORT', 'REDIS_URL']);
  t.true(err!.problems.some((p) => p.startsWith('REDIS_URL') && p.includes('(not set)')));
});
