import { pathToFileURL } from 'node:url';
import { buildDemoCatalogue, unitAliases } from './catalogue.ts';
import { buildDemoCategories, type SeedCategory } from './categories.ts';
import { buildDemoTickets, type DemoTicketOptions } from './tickets.ts';
import { CENTER_ID, buildDemoUnits, type SeedUnit } from './units.ts';
import { DEMO_LOGINS, DEMO_PASSWORD, buildDemoUsers, withHandlers, type SeedUser } from './users.ts';
import type { TicketRecord } from '../../server/domain/ticket.ts';
import { rebuildTimerSchedule } from '../../server/services/deadlines.ts';
import { AreaModel, Category, DispatchRuleModel, PlaceModel, Ticket, Unit, User, toStoredArea } from '../../server/data/models/index.ts';
import { connectMongo, disconnectMongo, isDuplicateKey, syncAllIndexes } from '../../server/data/db.ts';
import { hashPassword } from '../../server/services/auth.ts';
import { insertEntries } from '../../server/services/knowledge.ts';
import { DEMO_KNOWLEDGE } from './knowledge.ts';

/**
 * Demo data for a first run: the 江州市 unit tree, the subject dictionary,
 * users for every role and a few hundred tickets of the last four weeks.
 * `buildDemoData` is pure (the tests check it without a database);
 * `seedDemo` writes it into an empty database.
 */
export { DEMO_LOGINS, DEMO_PASSWORD };
export type { DemoLogin } from './users.ts';

export interface DemoData {
  units: SeedUnit[];
  categories: SeedCategory[];
  users: SeedUser[];
  tickets: TicketRecord[];
}

export interface SeedCounts {
  units: number;
  categories: number;
  users: number;
  tickets: number;
  rules: number;
  places: number;
  areas: number;
}

export function buildDemoData(now: Date, options: DemoTicketOptions = {}): DemoData {
  const baseUnits = buildDemoUnits();
  const users = buildDemoUsers(baseUnits, now);
  const units = withHandlers(baseUnits, users);
  const categories = buildDemoCategories();
  const tickets = buildDemoTickets(units, categories, users, now, options);
  return { units, categories, users, tickets };
}

/**
 * Load the demo data when the database has no units yet; otherwise do
 * nothing. The hotline center unit is inserted first and on its own: its
 * unique _id makes a second process starting at the same moment back off
 * instead of inserting everything twice. Plain inserts only (MongoDB and
 * FerretDB alike). Ticket numbers need no counter: the intake path continues
 * after the highest number of the day.
 */
export async function seedDemo(opts: { now?: Date } = {}): Promise<{ seeded: boolean; counts: SeedCounts }> {
  const none: SeedCounts = { units: 0, categories: 0, users: 0, tickets: 0, rules: 0, places: 0, areas: 0 };
  if (await Unit.exists({})) return { seeded: false, counts: none };

  const data = buildDemoData(opts.now ?? new Date());
  const [center, ...otherUnits] = data.units;
  if (center?._id !== CENTER_ID) throw new Error('the center must be the first unit');
  try {
    await Unit.create(center);
  } catch (err) {
    if (isDuplicateKey(err)) return { seeded: false, counts: none };
    throw err;
  }

  // One hash for the shared demo password: argon2 is deliberately slow.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  // Names citizens use for a unit (住建局, 湖滨街道办): the routing engine finds complaints about a unit by them.
  const aliases = unitAliases(data.units);
  await Unit.insertMany(
    otherUnits.map((u) => (aliases.get(u._id)?.length ? { ...u, aliases: aliases.get(u._id) } : u)),
    { ordered: false },
  );
  await Category.insertMany(data.categories, { ordered: false });
  // The dispatch catalogue (派单目录): rules, gazetteer, street polygons.
  const catalogue = buildDemoCatalogue(data.units, data.categories);
  await DispatchRuleModel.insertMany(
    catalogue.rules.map((r) => ({ _id: r.id, ...r })),
    { ordered: false },
  );
  await PlaceModel.insertMany(
    catalogue.places.map((p, i) => ({ _id: `place-${i + 1}`, ...p })),
    { ordered: false },
  );
  await AreaModel.insertMany(
    catalogue.areas.map((a) => toStoredArea(`area-${a.unitId}`, a)),
    { ordered: false },
  );
  await User.insertMany(
    data.users.map((u) => ({ ...u, passwordHash })),
    { ordered: false },
  );
  // Raw insert, like the intake path: createdAt/updatedAt stay as generated.
  if (data.tickets.length) await Ticket.collection.insertMany(data.tickets, { ordered: false });
  // The timed tickets' timer schedule entries, as their dispatches would have written them (else the workers' first
  // run writes them and warns of a repair).
  await rebuildTimerSchedule();
  // The knowledge base operators answer consultations from (直接答复).
  await insertEntries(DEMO_KNOWLEDGE, null);
  return {
    seeded: true,
    counts: {
      units: data.units.length,
      categories: data.categories.length,
      users: data.users.length,
      tickets: data.tickets.length,
      rules: catalogue.rules.length,
      places: catalogue.places.length,
      areas: catalogue.areas.length,
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    console.error('MONGODB_URI is not set (e.g. mongodb://127.0.0.1:27017/hotline12345)');
    process.exit(2);
  }
  try {
    await connectMongo(uri);
    await syncAllIndexes();
    const res = await seedDemo();
    if (res.seeded) {
      const c = res.counts;
      console.log(
        `演示数据已载入：${c.units} 个单位，${c.categories} 个分类，${c.users} 个用户，${c.tickets} 张工单，派单目录 ${c.rules} 条规则、${c.places} 个地名、${c.areas} 个区域（演示密码 ${DEMO_PASSWORD}）。`,
      );
    } else {
      console.log('数据库中已有单位数据，未载入演示数据。');
    }
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  } finally {
    await disconnectMongo();
  }
}
