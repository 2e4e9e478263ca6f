import { Worker, type Job, type Queue } from 'bullmq';
import { loadConfig, ConfigError, type Config } from '../server/config.ts';
import { logger } from '../server/logger.ts';
import { connectMongo, disconnectMongo } from '../server/data/db.ts';
import '../server/data/models/index.ts';
import { createRedis } from '../server/redis.ts';
import { createQueue, QUEUES } from '../server/queue/queues.ts';
import { reconcileRouting } from '../server/queue/reconcile.ts';
import { REGISTRY, checkRegistry } from './registry.ts';
import { setWorkerContext } from './context.ts';
import { ClassifierModel } from '../server/data/models/index.ts';
import { EventPublisher } from '../server/realtime/publish.ts';
import { installTicketPublisher } from '../server/realtime/bus.ts';
import { closeTimeLimits, configureTimeLimits, reconcileTimers } from '../server/services/deadlines.ts';

/**
 * BullMQ keeps job schedulers in Redis: a Redis flush (or loss) deletes them.
 * startWorkers re-registers them every minute (upserts are idempotent). The
 * routing jobs lost with them are found by the next routing reconcile, which
 * then looks at every ticket (workers/maintenance.ts).
 */
export async function ensureSchedulers(maintenanceQueue: Queue, config: Pick<Config, 'RECONCILE_INTERVAL_SEC' | 'TIMER_RECONCILE_INTERVAL_SEC'>): Promise<void> {
  await maintenanceQueue.upsertJobScheduler(
    'reconcile-routing',
    { every: config.RECONCILE_INTERVAL_SEC * 1000 },
    { name: 'reconcile-routing', opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );
  // The category classifier learns from the day's closed tickets every night.
  await maintenanceQueue.upsertJobScheduler(
    'retrain-classifier',
    { pattern: '0 3 * * *', tz: 'Asia/Shanghai' },
    { name: 'retrain-classifier', opts: { removeOnComplete: 30, removeOnFail: 30 } },
  );
  await maintenanceQueue.upsertJobScheduler(
    'reconcile-timers',
    { every: config.TIMER_RECONCILE_INTERVAL_SEC * 1000 },
    { name: 'reconcile-timers', opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );
  await maintenanceQueue.upsertJobScheduler(
    'sweep-claims',
    { every: 10 * 60_000 },
    { name: 'sweep-claims', opts: { removeOnComplete: 30, removeOnFail: 30 } },
  );
}

/** Start every queue processor and the schedulers. Returns a stop function. */
export async function startWorkers(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(env);
  checkRegistry();
  await connectMongo(config.MONGODB_URI);
  const redis = createRedis(config.REDIS_URL, 'worker');
  const routingQueue = createQueue(QUEUES.routing, redis, config.REDIS_PREFIX);
  const maintenanceQueue = createQueue(QUEUES.maintenance, redis, config.REDIS_PREFIX);
  setWorkerContext({ routingQueue, reconcileIntervalMs: config.RECONCILE_INTERVAL_SEC * 1000 });
  // Changes made here (routing, timers) reach the consoles like the server's own.
  const uninstallPublisher = installTicketPublisher(new EventPublisher(redis, config.REDIS_PREFIX));
  const timeLimits = configureTimeLimits({ redis, config });

  const connections = [redis];
  const workers = Object.entries(REGISTRY).map(([name, reg]) => {
    const connection = createRedis(config.REDIS_URL, 'worker');
    connections.push(connection);
    const w = new Worker(
      name,
      async (job: Job) => {
        if (!reg.jobNames.includes(job.name)) throw new Error(`queue ${name}: no handler for job "${job.name}"`);
        return reg.processor(job);
      },
      { connection, concurrency: reg.concurrency, prefix: config.REDIS_PREFIX, lockDuration: config.JOB_LOCK_MS, stalledInterval: config.JOB_LOCK_MS },
    );
    w.on('failed', (job, err) => logger.warn({ queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'));
    w.on('error', (err) => logger.debug({ queue: name, err: err.message }, 'worker error'));
    return w;
  });

  await ensureSchedulers(maintenanceQueue, config);
  const schedulerCheck = setInterval(() => {
    ensureSchedulers(maintenanceQueue, config).catch((err: Error) => logger.debug({ err: err.message }, 'schedulers not checked (Redis away?)'));
  }, 60_000);
  schedulerCheck.unref();

  // A fresh installation gets its first classifier now rather than at night.
  if ((await ClassifierModel.countDocuments({})) === 0) {
    await maintenanceQueue.add('retrain-classifier', {}, { jobId: 'retrain-initial', removeOnComplete: true, removeOnFail: 30 });
  }

  // Right after Redis comes back, catch up at once rather than at the next scheduled sweep.
  let wasDown = false;
  redis.on('error', () => (wasDown = true));
  redis.on('ready', () => {
    if (!wasDown) return;
    wasDown = false;
    reconcileRouting(routingQueue)
      .then((r) => r.enqueued && logger.info(r, 'reconcile after Redis outage'))
      .catch((err) => logger.warn({ err: err.message }, 'reconcile after outage failed'));
    if (timeLimits.timersQueue) {
      reconcileTimers(timeLimits.timersQueue)
        .then((r) => r.added && logger.info(r, 'timers rebuilt after Redis outage'))
        .catch((err) => logger.warn({ err: err.message }, 'timer reconcile after outage failed'));
    }
  });
  logger.info({ queues: Object.keys(REGISTRY) }, 'workers started');

  return {
    async stop() {
      clearInterval(schedulerCheck);
      uninstallPublisher();
      await Promise.all(workers.map((w) => w.close()));
      await routingQueue.close();
      await maintenanceQueue.close();
      await closeTimeLimits();
      for (const c of connections) c.disconnect();
      await disconnectMongo();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const w = await startWorkers();
    const shutdown = async (sig: string) => {
      logger.info({ sig }, 'workers stopping');
      await w.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    logger.fatal({ err }, 'workers failed to start');
    process.exit(1);
  }
}
