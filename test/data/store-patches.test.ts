import test from 'ava';
import mongoose, { Types } from 'mongoose';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { idFiltersUseIndex } from '../../server/data/db.ts';

/**
 * The embedded FerretDB carries local patches (scripts/stores.ts). p2: filters
 * naming `_id` are narrowed by the _id index in SQL and the rest of the filter
 * is applied as before. These tests pin both halves: the plan uses the index,
 * and the answers are exactly those of the full filter.
 */
let app: TestApp;
interface Probe {
  _id: Types.ObjectId | string;
  version: number;
  kind: string;
}
// The probe mixes ObjectId and string ids on purpose.
const col = () => mongoose.connection.db!.collection<Probe>('patch_probe');
const ids = Array.from({ length: 30 }, () => new Types.ObjectId());

test.before(async () => {
  app = await startTestApp();
  await col().insertMany([
    ...ids.map((_id, i) => ({ _id, version: i % 3, kind: i % 2 ? 'odd' : 'even' })),
    { _id: 'a:1', version: 1, kind: 'claim' },
    { _id: 'a:2', version: 2, kind: 'claim' },
  ]);
});
test.after.always(async () => app?.stop());

const plan = async (filter: Record<string, unknown>) =>
  JSON.stringify((await mongoose.connection.db!.command({ explain: { find: 'patch_probe', filter } })).queryPlanner);

test('the service sees that {_id, field} filters use the _id index here', async (t) => {
  t.true(await idFiltersUseIndex());
  t.regex(await plan({ _id: ids[0], version: 0 }), /SEARCH .* USING INDEX/);
  t.regex(await plan({ _id: { $in: ids.slice(0, 5) } }), /SEARCH .* USING INDEX/);
  t.regex(await plan({ _id: { $gte: ids[3] }, status: 'new' }), /SEARCH .* USING INDEX/);
  t.regex(await plan({ kind: 'odd' }), /SCAN/, 'other filters scan (patch p5 only narrows the scan, there is no index)');
});

test('{_id, other fields} answers exactly as the whole filter says', async (t) => {
  t.is((await col().findOne({ _id: ids[4], version: 1 }))?._id?.toString(), ids[4]!.toString());
  t.is(await col().findOne({ _id: ids[4], version: 2 }), null, 'a version guard that does not hold matches nothing');
  const res = await col().updateOne({ _id: ids[5], version: 1 }, { $set: { version: 9 } });
  t.is(res.modifiedCount, 0, 'ids[5] is at version 2');
  const ok = await col().updateOne({ _id: ids[5], version: 2 }, { $set: { version: 3 } });
  t.is(ok.modifiedCount, 1);
  t.is((await col().findOne({ _id: ids[5] }))?.version, 3);
});

test('_id $in answers exactly the listed documents, with or without further conditions', async (t) => {
  const some = [ids[0]!, ids[1]!, ids[2]!, new Types.ObjectId()];
  t.deepEqual((await col().find({ _id: { $in: some } }).toArray()).map((d) => String(d._id)).sort(), some.slice(0, 3).map(String).sort());
  t.deepEqual((await col().find({ _id: { $in: some }, kind: 'odd' }).toArray()).map((d) => String(d._id)), [String(ids[1])]);
  t.deepEqual((await col().find({ _id: { $in: ['a:1', 'a:2', 'a:3'] } }).toArray()).map((d) => d._id).sort(), ['a:1', 'a:2']);
  // Strings and ObjectIds may mix; a list with anything else is left to the full filter (no pushdown).
  t.is((await col().find({ _id: { $in: ['a:1', ids[0]!] } }).toArray()).length, 2);
  t.is((await col().find({ _id: { $in: [{ x: 1 }] } } as never).toArray()).length, 0);
});

test('an _id range of ObjectIds (created since) answers exactly the documents in it', async (t) => {
  const sorted = [...ids].sort((x, y) => x.toHexString().localeCompare(y.toHexString()));
  const from = sorted[10]!;
  const to = sorted[20]!;
  const got = await col().find({ _id: { $gte: from, $lt: to } }).toArray();
  t.deepEqual(got.map((d) => String(d._id)).sort(), sorted.slice(10, 20).map(String));
  const odd = await col().find({ _id: { $gt: from }, kind: 'odd' }).toArray();
  t.deepEqual(odd.map((d) => String(d._id)).sort(), sorted.slice(11).filter((id) => ids.indexOf(id) % 2 === 1).map(String).sort());
  t.is((await col().find({ _id: { $gt: sorted.at(-1)! } }).toArray()).length, 0, 'string ids are not ObjectIds: never in an ObjectId range');
});

test('top-level string equalities and $in lists (narrowed in SQL by patch p5) answer exactly as MongoDB would', async (t) => {
  const probe = mongoose.connection.db!.collection('field_probe');
  const docs = [
    { _id: 'plain', status: 'new', area: '东湖区' },
    { _id: 'other', status: 'closed', area: '西城区' },
    { _id: 'array', status: ['closed', 'new'], area: ['东湖区'] },
    { _id: 'missing', area: '东湖区' },
    { _id: 'null', status: null },
    { _id: 'number', status: 7 },
    { _id: 'nested', status: { state: 'new' } },
    { _id: 'quoted', status: "it's \"new\"" },
    { _id: 'objectid', status: new Types.ObjectId('6b029c3f4aa40f8216d3c155') },
  ];
  await probe.insertMany(docs as never);
  const ids = async (filter: Record<string, unknown>) => (await probe.find(filter).toArray()).map((d) => String(d._id)).sort();
  t.deepEqual(await ids({ status: 'new' }), ['array', 'plain'], 'an array holding the value matches too');
  t.deepEqual(await ids({ status: { $in: ['new', 'closed'] } }), ['array', 'other', 'plain']);
  t.deepEqual(await ids({ status: 'new', area: '东湖区' }), ['array', 'plain']);
  t.deepEqual(await ids({ status: "it's \"new\"" }), ['quoted']);
  t.deepEqual(await ids({ status: '6b029c3f4aa40f8216d3c155' }), [], 'a string never equals an ObjectId');
  t.deepEqual(await ids({ status: { $in: ['new', null] } }), ['array', 'missing', 'null', 'plain'], 'a list with null is left to the full filter');
  t.deepEqual(await ids({ _id: { $in: ['plain', 'other', 'array'] }, status: 'closed' }), ['array', 'other'], 'with an _id condition as well');
  t.is(await probe.countDocuments({ status: 'new' }), 2);
  const res = await probe.updateMany({ status: 'closed' }, { $set: { seen: true } });
  t.is(res.matchedCount, 2, 'updates find the same documents');
});

/**
 * Patch p6: an update command whose statements each name one document by _id
 * writes the documents it changed in one transaction. What a client sees must
 * stay what stock FerretDB (and MongoDB for an ordered bulk) gives: the
 * statements apply in order, guards that do not hold change nothing, and a
 * failing statement leaves those before it applied and the rest not.
 */
test('many single-document updates in one command: each applies exactly as its own filter says', async (t) => {
  const probe = mongoose.connection.db!.collection<{ _id: string | Types.ObjectId; version: number; n?: number }>('batch_probe');
  const oids = Array.from({ length: 20 }, () => new Types.ObjectId());
  await probe.insertMany([...oids.map((_id) => ({ _id, version: 1 })), { _id: 'claim:1', version: 1 }]);
  const guarded = (id: string | Types.ObjectId, from: number, to: number) => ({ updateOne: { filter: { _id: id, version: from }, update: { $set: { version: to } } } });
  // Every other guard holds; a string id among ObjectIds.
  const res = await probe.bulkWrite([...oids.map((id, i) => guarded(id, i % 2 ? 1 : 5, 2)), guarded('claim:1', 1, 2)] as never, { ordered: false });
  t.is(res.matchedCount, 11);
  t.is(res.modifiedCount, 11);
  const versions = new Map((await probe.find({}).toArray()).map((d) => [String(d._id), d.version]));
  oids.forEach((id, i) => t.is(versions.get(String(id)), i % 2 ? 2 : 1, `document ${i}`));
  t.is(versions.get('claim:1'), 2);

  // One _id twice: the second statement sees what the first wrote (the stock path, one write each).
  const twice = await probe.bulkWrite([guarded(oids[1]!, 2, 3), guarded(oids[1]!, 3, 4)] as never, { ordered: false });
  t.is(twice.matchedCount, 2);
  t.is((await probe.findOne({ _id: oids[1]! }))?.version, 4);
});

test('a failing statement in such a command leaves the ones before it applied and the rest not', async (t) => {
  const probe = mongoose.connection.db!.collection<{ _id: string; version: number; code: string | number }>('batch_fail_probe');
  await probe.createIndex({ code: 1 }, { unique: true });
  await probe.insertMany(['a', 'b', 'c', 'd', 'e', 'f'].map((_id) => ({ _id, version: 1, code: `code-${_id}` })));
  const bump = (_id: string) => ({ updateOne: { filter: { _id, version: 1 }, update: { $set: { version: 2 } } } });
  const versions = async () => Object.fromEntries((await probe.find({}).toArray()).map((d) => [d._id, d.version]));

  // A statement the handler refuses ($inc of a string)…
  await t.throwsAsync(probe.bulkWrite([bump('a'), { updateOne: { filter: { _id: 'b' }, update: { $inc: { code: 1 } } } }, bump('c')] as never, { ordered: true }));
  t.deepEqual(await versions(), { a: 2, b: 1, c: 1, d: 1, e: 1, f: 1 });

  // …and one the store refuses when it writes (a duplicate of a unique key): the batch's transaction fails as a whole,
  // and its documents are then written one by one up to the failing one.
  await t.throwsAsync(probe.bulkWrite([bump('d'), { updateOne: { filter: { _id: 'e' }, update: { $set: { code: 'code-a' } } } }, bump('f')] as never, { ordered: true }));
  t.deepEqual(await versions(), { a: 2, b: 1, c: 1, d: 2, e: 1, f: 1 });
  t.is((await probe.findOne({ _id: 'e' }))?.code, 'code-e');
});

/**
 * Patch p7: each statement of an update command used to keep its SQLite
 * connection until the command returned, and the pool has 100: a command of
 * more statements than that waited forever for a connection it held itself.
 */
test('an update command of more single-document statements than the store has connections completes', async (t) => {
  const probe = mongoose.connection.db!.collection<{ _id: Types.ObjectId; version: number }>('wide_batch_probe');
  const oids = Array.from({ length: 150 }, () => new Types.ObjectId());
  await probe.insertMany(oids.map((_id) => ({ _id, version: 1 })));
  const bulk = probe.bulkWrite(oids.map((_id) => ({ updateOne: { filter: { _id, version: 1 }, update: { $set: { version: 2 } } } })), { ordered: false });
  const stuck = new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 20_000).unref());
  const res = await Promise.race([bulk, stuck]);
  t.not(res, 'stuck', 'the command returned');
  t.is((res as Awaited<typeof bulk>).matchedCount, 150);
  t.is(await probe.countDocuments({ version: 2 }), 150);
  // And the store still answers other commands.
  t.is(await probe.countDocuments({}), 150);
});

test('documents of every kind of value come back exactly as written, after an insert and after an update (p8: the stored JSON is read and written by goccy/go-json)', async (t) => {
  const stored = mongoose.connection.db!.collection('patch_values');
  const { Binary, Double, Int32, Long, BSONRegExp, Timestamp } = mongoose.mongo.BSON;
  const doc = {
    _id: new Types.ObjectId(),
    text: '市民反映："楼道灯"坏了\\n<script>&amp;</script> \u2028 \u0000 😀 \t end',
    empty: '',
    ints: [0, -1, 2147483647, -2147483648],
    long: Long.fromString('9007199254740993'),
    // (Not -0: FerretDB 1.24 stores it as 0, with encoding/json as with go-json.)
    doubles: [new Double(0.1), new Double(-1.5), new Double(1e308), new Double(5e-324), new Double(3)],
    int32: new Int32(7),
    bools: [true, false],
    nothing: null,
    at: new Date('2026-12-07T01:02:03.004Z'),
    before1970: new Date(-86_400_000),
    bin: new Binary(Buffer.from([0, 1, 2, 255]), 0),
    re: new BSONRegExp('^湖滨.*街道$', 'i'),
    ts: new Timestamp({ t: 1_700_000_000, i: 3 }),
    nested: { a: { b: { c: ['x', { d: [] }, {}] } }, 'key with space': 1, 'ключ': '值' },
    history: Array.from({ length: 20 }, (_, i) => ({ seq: i + 1, at: new Date(1_700_000_000_000 + i), type: 'note', actor: { id: null, name: `经办人${i}` }, data: { n: i, ok: i % 2 === 0 } })),
  };
  await stored.insertOne(doc);
  t.deepEqual(await stored.findOne({ _id: doc._id }, { promoteValues: false, promoteLongs: false }), roundTrip(doc));
  const after = { 'nested.a.b.c': ['y'], text: '改后的"文本"\\', extra: { list: [1.5, 'two', null] } };
  await stored.updateOne({ _id: doc._id }, { $set: after, $push: { history: { seq: 21, at: new Date(0), type: 'x', actor: { id: null, name: '' }, data: {} } } as never });
  const read = await stored.findOne({ _id: doc._id });
  t.deepEqual(read!.nested.a.b.c, ['y']);
  t.is(read!.text, '改后的"文本"\\');
  t.deepEqual(read!.extra, { list: [1.5, 'two', null] });
  t.is(read!.history.length, 21);
  t.deepEqual(read!.history[20].at, new Date(0));
  t.is(read!.long.toString(), '9007199254740993');
});

/** The document as the driver reads back what it wrote (its own BSON round trip), values not promoted. */
function roundTrip(doc: Record<string, unknown>): unknown {
  const { serialize, deserialize } = mongoose.mongo.BSON;
  return deserialize(serialize(doc), { promoteValues: false, promoteLongs: false });
}
