import type { ParameterizedContext } from 'koa';
import type { Logger } from '../logger.ts';
import type { Viewer } from '../domain/access.ts';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { TokenService } from '../services/auth.ts';
import type { RateLimits } from './rate-limit.ts';
import type { EventPublisher } from '../realtime/publish.ts';

/** What every request handler can reach: config, stores, services. */
export interface AppDeps {
  config: Config;
  redis: Redis;
  routingQueue: Queue;
  maintenanceQueue: Queue;
  tokens: TokenService;
  limits: RateLimits;
  events: EventPublisher;
}

export interface AppState {
  requestId: string;
  log: Logger;
  viewer?: Viewer;
  /** Route pattern for metrics labels (never the raw path: ids would explode cardinality). */
  routePattern?: string;
}

export type Ctx = ParameterizedContext<AppState>;
