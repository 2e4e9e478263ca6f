import { z } from 'zod';

/**
 * All configuration comes from environment variables, validated once at start-up.
 * A bad value stops the process with one line per problem, naming the variable.
 */
const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'),
  /** Secret that signs login tokens; at least 32 characters. */
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters'),
  TOKEN_TTL_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(12 * 60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Maximum JSON request body. */
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, 'must look like 64kb or 1mb').default('64kb'),
  /** Public web messages allowed per client IP per hour. */
  PUBLIC_RATE_PER_HOUR: z.coerce.number().int().min(1).default(20),
  /** Failed logins allowed per user name + IP per 15 minutes. */
  LOGIN_ATTEMPTS_PER_15MIN: z.coerce.number().int().min(1).default(10),
  /** Seconds between reconcile sweeps that enqueue tickets missed while Redis was down. */
  RECONCILE_INTERVAL_SEC: z.coerce.number().int().min(1).default(30),
  /** Prefix of every Redis key this service writes (queues, rate limits, events). */
  REDIS_PREFIX: z.string().regex(/^[\w-]{1,32}$/, 'letters, digits, - or _').default('hotline'),
  /** Trust X-Forwarded-For (only behind a reverse proxy you control). */
  TRUST_PROXY: bool.default(false),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}${i.path[0] && env[String(i.path[0])] === undefined ? ' (not set)' : ''}`),
    );
  }
  return parsed.data;
}
