import test from 'ava';
import { testEnv } from '../helpers/harness.ts';
import { connectMongo, disconnectMongo, syncAllIndexes } from '../../server/data/db.ts';
import { seedDemo } from '../../scripts/seed/index.ts';
import { rebuildTimerSchedule } from '../../server/services/deadlines.ts';
import { Ticket } from '../../server/data/models/index.ts';

/** The demo data `npm start` loads, in a store: what a new user's first run holds. */
test.before(async () => {
  await connectMongo(testEnv().MONGODB_URI!);
  await syncAllIndexes();
});
test.after.always(async () => disconnectMongo());

test('the demo loads once, and its timed tickets have their timer schedule as a dispatch leaves it', async (t) => {
  const first = await seedDemo();
  t.true(first.seeded);
  t.is(await Ticket.countDocuments({}), first.counts.tickets);
  t.true(first.counts.tickets > 300);
  // Nothing for the workers' first rebuild to repair (it warned of 38 repaired entries on every fresh start).
  const rebuilt = await rebuildTimerSchedule();
  t.true(rebuilt.tickets > 20, `${rebuilt.tickets} tickets with a running clock`);
  t.is(rebuilt.written, 0);
  t.false((await seedDemo()).seeded, 'a second start loads nothing');
});
