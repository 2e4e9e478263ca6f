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

/**
 * Build the indexes every list query needs. On FerretDB 1.24 (SQLite) only
 * the unique ones are built: its SQLite backend pushes down nothing but an
 * equality on _id, so secondary indexes are never used to answer a query and
 * only cost writes (the ticket's searchTokens index alone stores the whole
 * token array as one key). They keep their meaning as constraints there.
 */
export async function syncAllIndexes(): Promise<void> {
  const ferret = await isFerretDB();
  for (const model of Object.values(mongoose.models)) {
    if (!ferret) {
      await model.createIndexes();
      continue;
    }
    for (const [fields, options] of model.schema.indexes()) {
      if (options?.unique) await model.collection.createIndex(fields as Record<string, 1 | -1>, options as Record<string, unknown>);
    }
  }
}

export async function isFerretDB(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info || 'ferretdb' in info;
}

/**
 * Whether filters that name `_id` with more (`{_id, version}`, `{_id: {$in}}`)
 * are answered through the _id index. MongoDB: always. FerretDB says so in
 * its explain output: its SQLite backend does only with local patch p2
 * (scripts/stores.ts); a stock build would scan the collection for them, so
 * callers then read by plain _id instead.
 */
let idWithFieldsIndexed: Promise<boolean> | null = null;
export function idFiltersUseIndex(): Promise<boolean> {
  idWithFieldsIndexed ??= (async () => {
    if (!(await isFerretDB())) return true;
    // FerretDB explains a missing collection as a plan of nothing, so make sure it is there.
    await mongoose.connection.db!.createCollection('tickets').catch((err: { code?: number }) => {
      if (err.code !== 48) throw err; // NamespaceExists
    });
    const explained = await mongoose.connection.db!.command({
      explain: { find: 'tickets', filter: { _id: new mongoose.Types.ObjectId(), version: 0 } },
    });
    return explained.filterPushdown === true;
  })().catch((err: unknown) => {
    idWithFieldsIndexed = null;
    throw err;
  });
  return idWithFieldsIndexed;
}

export async function disconnectMongo(): Promise<void> {
  idWithFieldsIndexed = null;
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
