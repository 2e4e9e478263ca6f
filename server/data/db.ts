import mongoose from 'mongoose';

/**
 * One mongoose connection per process. Indexes are built by `syncIndexes` at
 * start-up (autoIndex off: index builds must never race application writes).
 */
mongoose.set('strictQuery', true);
mongoose.set('autoIndex', false);

export async function connectMongo(uri: string): Promise<typeof mongoose> {
  return mongoose.connect(uri, {
    serverSelectionTimeoutMS: 5000,
    // Writes are acknowledged once durable on the primary's journal.
    writeConcern: { w: 'majority', j: true },
    maxPoolSize: 50,
  });
}

export async function syncAllIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createIndexes();
  }
}

export async function disconnectMongo(): Promise<void> {
  await mongoose.disconnect();
}

export async function pingMongo(): Promise<number> {
  const t = performance.now();
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  await db.admin().command({ ping: 1 });
  return performance.now() - t;
}

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
