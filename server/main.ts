import http from 'node:http';
import { loadConfig, ConfigError } from './config.ts';
import { logger } from './logger.ts';
import { connectMongo, disconnectMongo, syncAllIndexes } from './data/db.ts';
import './data/models/index.ts';
import { createRedis } from './redis.ts';
import { createQueue, QUEUES } from './queue/queues.ts';
import { TokenService } from './services/auth.ts';
import { createApp } from './http/app.ts';
import { createRateLimits } from './http/rate-limit.ts';
import { registerQueueMetrics } from './http/metrics.ts';
import type { AppDeps } from './http/context.ts';
import { EventPublisher } from './realtime/publish.ts';
import { attachSocketServer } from './realtime/socket-server.ts';
import { installTicketPublisher } from './realtime/bus.ts';

/** Start the API server: config → stores → indexes → HTTP. Returns a stop function. */
export async function startServer(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(env);
  await connectMongo(config.MONGODB_URI);
  await syncAllIndexes();
  const redis = createRedis(config.REDIS_URL, 'producer');
  const routingQueue = createQueue(QUEUES.routing, redis, config.REDIS_PREFIX);
  const maintenanceQueue = createQueue(QUEUES.maintenance, redis, config.REDIS_PREFIX);
  for (const q of [routingQueue, maintenanceQueue]) q.on('error', (err) => logger.debug({ queue: q.name, err: err.message }, 'queue error'));
  registerQueueMetrics([routingQueue, maintenanceQueue]);
  const deps: AppDeps = {
    config,
    redis,
    routingQueue,
    maintenanceQueue,
    tokens: new TokenService(config.AUTH_SECRET, config.TOKEN_TTL_MINUTES),
    limits: createRateLimits(redis, config),
    events: new EventPublisher(redis, config.REDIS_PREFIX),
  };
  const app = createApp(deps);
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  const sockets = attachSocketServer(server, { redisUrl: config.REDIS_URL, redisPrefix: config.REDIS_PREFIX, tokens: deps.tokens });
  const uninstallPublisher = installTicketPublisher(deps.events);
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  logger.info({ port }, 'server listening');

  return {
    port,
    deps,
    async stop() {
      uninstallPublisher();
      await sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await routingQueue.close();
      await maintenanceQueue.close();
      redis.disconnect();
      await disconnectMongo();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const s = await startServer();
    const shutdown = async (sig: string) => {
      logger.info({ sig }, 'server stopping');
      await s.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    logger.fatal({ err }, 'server failed to start');
    process.exit(1);
  }
}
