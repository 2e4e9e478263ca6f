import test from 'ava';
import mongoose, { Types } from 'mongoose';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { BatchUpdater } from '../../server/data/group-commit.ts';

/**
 * Group-committed conditional updates: callers whose updates share one bulk
 * write each learn whether their own update matched, also when others in the
 * same batch did not match or failed.
 */
let app: TestApp;
interface Doc {
  _id: Types.ObjectId;
  version: number;
  code?: string;
}
const col = () => mongoose.connection.db!.collection<Doc>('batch_update_probe');
test.before(async () => {
  app = await startTestApp();
  await col().createIndex({ code: 1 }, { unique: true });
});
test.after.always(async () => app?.stop());

const updater = new BatchUpdater<Doc>(col as never, async (ops) => {
  const now = await col().find({ _id: { $in: ops.map((o) => o.filter._id) } }).toArray();
  const versions = new Map(now.map((d) => [String(d._id), d.version]));
  return ops.map((o) => (versions.get(String(o.filter._id)) ?? 0) >= (o.update.$set as { version: number }).version);
});

test('each caller of a shared batch learns whether its own update matched', async (t) => {
  const docs = Array.from({ length: 12 }, () => ({ _id: new Types.ObjectId(), version: 1, code: new Types.ObjectId().toHexString() }));
  await col().insertMany(docs);
  // Every third update expects a version the document does not have.
  const results = await Promise.all(
    docs.map((d, i) => updater.update({ _id: d._id, version: i % 3 === 0 ? 7 : 1 }, { $set: { version: 2 } })),
  );
  t.deepEqual(results, docs.map((_, i) => i % 3 !== 0));
  const stored = await col().find({ _id: { $in: docs.map((d) => d._id) } }).toArray();
  const byId = new Map(stored.map((d) => [String(d._id), d.version]));
  t.deepEqual(docs.map((d) => byId.get(String(d._id))), docs.map((_, i) => (i % 3 === 0 ? 1 : 2)));
});

test('a write error fails only its own caller; the rest of the batch is applied', async (t) => {
  const docs = Array.from({ length: 4 }, () => ({ _id: new Types.ObjectId(), version: 1, code: new Types.ObjectId().toHexString() }));
  await col().insertMany([...docs, { _id: new Types.ObjectId(), version: 1, code: 'taken' }]);
  const results = await Promise.allSettled(
    docs.map((d, i) => updater.update({ _id: d._id, version: 1 }, { $set: { version: 2, ...(i === 1 ? { code: 'taken' } : {}) } })),
  );
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  t.deepEqual(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<boolean>).value), [true, true, true]);
  const stored = await col().find({ _id: { $in: docs.map((d) => d._id) } }).toArray();
  t.deepEqual(stored.map((d) => d.version).sort(), [1, 2, 2, 2]);
});
