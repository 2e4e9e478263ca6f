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
  /** How long a worker holds a job before another worker may take it over as stalled (a crashed worker's jobs). */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Prefix of every Redis key this service writes (queues, rate limits, events). */
  REDIS_PREFIX: z.string().regex(/^[\w-]{1,32}$/, 'letters, digits, - or _').default('hotline'),
  /** Trust X-Forwarded-For (only behind a reverse proxy you control). */
  TRUST_PROXY: bool.default(false),
  /** Working periods of a working day, Asia/Shanghai, e.g. 08:30-12:00,14:00-17:30 (time limits count only these). */
  WORKING_HOURS: z
    .string()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}(,\d{2}:\d{2}-\d{2}:\d{2})*$/, 'must look like 08:30-12:00,14:00-17:30')
    .refine((v) => workingPeriodsProblem(v) === null, { message: 'working periods must be valid times, in order, not overlapping' })
    .default('08:30-12:00,14:00-17:30'),
  /** Seconds between sweeps that rebuild missing time-limit timers from MongoDB and fire missed ones. */
  TIMER_RECONCILE_INTERVAL_SEC: z.coerce.number().int().min(1).default(60),
  /** Webhook for time-limit notifications (HTTP POST JSON); unset = no webhook. */
  NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** When set, each webhook POST carries x-hotline-signature: t=<unix s>,v1=<HMAC-SHA256 of "t.body"> (verifyWebhook in services/notify.ts). */
  NOTIFY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Delivery attempts of an outside notification (webhook, SMS) before it is recorded as failed. */
  NOTIFY_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** First retry delay (ms); doubles each attempt. */
  NOTIFY_BACKOFF_MS: z.coerce.number().int().min(10).default(5000),
  /** SMS gateway endpoint (HTTP POST JSON {to, content, sign}); unset = SMS disabled (never faked). */
  SMS_GATEWAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Bearer token of the SMS gateway; required with SMS_GATEWAY_URL. */
  SMS_GATEWAY_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  /** SMS signature (短信签名). */
  SMS_SIGN: z.string().min(2).max(20).default('12345热线'),
}).superRefine((c, ctx) => {
  if (c.SMS_GATEWAY_URL && !c.SMS_GATEWAY_TOKEN) {
    ctx.addIssue({ code: 'custom', path: ['SMS_GATEWAY_TOKEN'], message: 'required when SMS_GATEWAY_URL is set' });
  }
});

/** Parses WORKING_HOURS into periods. */
export function parseWorkingHours(value: string): { start: string; end: string }[] {
  return value.split(',').map((p) => {
    const [start = '', end = ''] = p.split('-');
    return { start, end };
  });
}

function workingPeriodsProblem(value: string): string | null {
  let previous = -1;
  for (const { start, end } of parseWorkingHours(value)) {
    const [s, e] = [start, end].map((x) => {
      const [h, m] = x.split(':').map(Number);
      return h! > 24 || m! > 59 ? NaN : h! * 60 + m!;
    });
    if (!(s! >= 0 && e! > s! && e! <= 24 * 60 && s! >= previous)) return 'bad';
    previous = e!;
  }
  return null;
}

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
