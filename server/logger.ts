import { pino, type Logger } from 'pino';

/** The one logger: JSON lines, with `reqId` bound per request by the HTTP layer. */
export const logger: Logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { svc: process.env.SERVICE_NAME ?? 'hotline' },
  redact: { paths: ['req.headers.authorization', '*.password', '*.caller.phone'], censor: '[redacted]' },
});

export type { Logger };
