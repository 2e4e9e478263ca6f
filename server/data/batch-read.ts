import DataLoader from 'dataloader';
import type { Model } from 'mongoose';
import { idFiltersUseIndex } from './db.ts';

/**
 * Reads by _id that arrive within a millisecond of each other (concurrent
 * routing jobs) become one `{_id: {$in}}` query: on FerretDB one SQL lookup
 * and one round trip instead of one each. Nothing is cached between batches,
 * so every read is as fresh as a findById. A stock FerretDB, which would scan
 * for $in, gets one findById per key instead.
 */
export function byIdReader<T extends { _id: unknown }>(model: Model<never>, projection?: Record<string, 0 | 1>): (id: T['_id']) => Promise<T | null> {
  const loader = new DataLoader<unknown, T | null, string>(
    async (ids) => {
      if (!(await idFiltersUseIndex())) return Promise.all(ids.map((id) => model.findById(id, projection).lean<T>().exec()));
      const docs = await model.find({ _id: { $in: ids } } as never, projection).lean<T[]>().exec();
      const byId = new Map(docs.map((d) => [String(d._id), d]));
      return ids.map((id) => byId.get(String(id)) ?? null);
    },
    { cache: false, maxBatchSize: 200, batchScheduleFn: (run) => setTimeout(run, 1) },
  );
  return (id) => loader.load(id);
}
