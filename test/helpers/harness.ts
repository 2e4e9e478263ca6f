/**
 * Test harness: a real server (and optionally real workers) in this test
 * file's process, on its own database and Redis key prefix, against the
 * isolated stores started by scripts/test.ts.
 */
import { randomBytes } from 'node:crypto';
import { startServer } from '../../server/main.ts';
import { startWorkers } from '../../workers/main.ts';
import { createFixtures, type Fixtures } from './fixtures.ts';

export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = process.env.TEST_MONGODB_BASE;
  const redis = process.env.TEST_REDIS_URL;
  if (!base || !redis) throw new Error('run the tests with `npm test` (it starts the isolated stores)');
  const id = randomBytes(4).toString('hex');
  return {
    NODE_ENV: 'test',
    MONGODB_URI: `${base}/t_${id}`,
    REDIS_URL: redis,
    REDIS_PREFIX: `t${id}`,
    AUTH_SECRET: `test-secret-${id}-0123456789abcdefghijklmnop`,
    PORT: '0',
    LOG_LEVEL: 'silent',
    RECONCILE_INTERVAL_SEC: '1',
    ...overrides,
  };
}

// Response bodies are whatever JSON the API sent; tests assert on their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApp {
  url: string;
  env: NodeJS.ProcessEnv;
  fx: Fixtures;
  server: Awaited<ReturnType<typeof startServer>>;
  api<T = Json>(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<ApiResponse<T>>;
  login(username: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestApp(opts: { workers?: boolean; env?: Record<string, string> } = {}): Promise<TestApp> {
  const env = testEnv(opts.env);
  const server = await startServer(env);
  const fx = await createFixtures();
  const workers = opts.workers ? await startWorkers(env) : null;
  const url = `http://127.0.0.1:${server.port}`;
  const tokens = new Map<string, string>();

  const api: TestApp['api'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (metrics)
    }
    return { status: res.status, headers: res.headers, body: parsed as never };
  };

  return {
    url,
    env,
    fx,
    server,
    api,
    async login(username) {
      const hit = tokens.get(username);
      if (hit) return hit;
      const res = await api('POST', '/api/v1/auth/login', { body: { username, password: fx.password } });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(username, res.body.token);
      return res.body.token;
    },
    async stop() {
      await workers?.stop();
      await server.stop();
    },
  };
}

/** Poll until `fn` returns a truthy value or the timeout passes. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
