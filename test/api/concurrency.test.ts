import test from 'ava';
import { Types } from 'mongoose';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { applyTicketChange, claimRecord, rollForward, sweepClaims } from '../../server/data/tickets.ts';
import { Ticket, TicketChange } from '../../server/data/models/index.ts';
import { AppError } from '../../server/errors.ts';
import { routingSummary } from '../../server/domain/ticket.ts';

let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after.always(async () => app?.stop());

async function newTicket() {
  const res = await app.api('POST', '/api/v1/tickets', {
    token: await app.login('op'),
    body: { caller: { phone: '13700001111' }, type: 'help', content: '楼道灯坏了' },
  });
  return res.body.ticket as { id: string; version: number };
}

test('of many concurrent changes from the same version exactly one wins; the rest get 409 and nothing is lost', async (t) => {
  const tk = await newTicket();
  const id = new Types.ObjectId(tk.id);
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      applyTicketChange(id, { version: 1, historyLength: 1 }, {
        set: { title: `writer ${i}` },
        events: [{ at: new Date(), type: 'note', actor: { id: null, name: `w${i}`, role: 'system' }, note: `w${i}` }],
      }),
    ),
  );
  const won = results.filter((r) => r.status === 'fulfilled');
  t.is(won.length, 1);
  for (const r of results) {
    if (r.status === 'rejected') {
      t.true(r.reason instanceof AppError);
      t.is((r.reason as AppError).status, 409);
    }
  }
  const stored = await Ticket.findById(id).lean();
  t.is(stored!.version, 2);
  t.is(stored!.history.length, 2);
  t.is(stored!.title, (won[0] as PromiseFulfilledResult<{ title?: string }>).value.title);
});

for (const format of ['as written now', 'as written before the change became one EJSON string'] as const) {
  test(`a change whose writer died after claiming it is rolled forward, once (claim ${format})`, async (t) => {
    const tk = await newTicket();
    const id = new Types.ObjectId(tk.id);
    // Simulate a writer that claimed version 2 and crashed before updating the ticket.
    const crashed = {
      _id: `${tk.id}:2`,
      ticketId: id,
      version: 2,
      set: { title: 'from the crashed writer' },
      events: [{ seq: 2, at: new Date(), type: 'note', actor: { id: null, name: 'crashed', role: 'system' } }],
      at: new Date(Date.now() - 10_000),
    };
    await TicketChange.collection.insertOne((format === 'as written now' ? claimRecord(crashed) : crashed) as never);
    const next = applyTicketChange(id, { version: 1, historyLength: 1 }, { events: [] });
    await t.throwsAsync(next, { instanceOf: AppError, message: /已被他人修改/ });
    const stored = await Ticket.findById(id).lean();
    t.is(stored!.version, 2);
    t.is(stored!.title, 'from the crashed writer');
    t.deepEqual(stored!.history.map((h) => h.seq), [1, 2]);
    t.true(stored!.history[1]!.at instanceof Date, 'the event instant is stored as a date');
    t.false(await rollForward(id), 'nothing left to roll forward');
    const after = await applyTicketChange(id, { version: 2, historyLength: 2 }, { events: [{ at: new Date(), type: 'note', actor: { id: null, name: 'x', role: 'system' } }] });
    t.is(after.version, 3);
    t.is(after.history.length, 3);
  });
}

test('a change against a version the ticket never had is refused and leaves no claim behind', async (t) => {
  const tk = await newTicket();
  const id = new Types.ObjectId(tk.id);
  await t.throwsAsync(applyTicketChange(id, { version: 7, historyLength: 1 }, { events: [] }), { instanceOf: AppError });
  t.is(await TicketChange.countDocuments({ ticketId: id }), 0);
  await t.throwsAsync(applyTicketChange(new Types.ObjectId(), { version: 1, historyLength: 0 }, { events: [] }), { message: /不存在/ });
});

test('a change given the whole ticket answers what the store now holds; a stale base gets 409 like any other', async (t) => {
  const tk = await newTicket();
  const id = new Types.ObjectId(tk.id);
  const base = (await Ticket.findById(id).lean())!;
  const after = await applyTicketChange(
    id,
    { version: 1, historyLength: base.history.length },
    { set: { status: 'manual', routing: { decision: 'park', explanation: ['规则不一致'] } }, events: [{ at: new Date(), type: 'routing_parked', actor: { id: null, name: '智能派单', role: 'system' }, note: '转人工' }] },
    base as never,
  );
  const stored = (await Ticket.findById(id).lean())!;
  t.is(after.version, stored.version);
  t.is(after.status, stored.status);
  t.deepEqual(after.routing, stored.routing as never);
  t.is(typeof stored.routing, 'string', 'the routing summary is stored as its JSON text');
  t.deepEqual(routingSummary(stored.routing), { decision: 'park', explanation: ['规则不一致'] } as never);
  t.is(after.updatedAt.getTime(), stored.updatedAt.getTime());
  t.deepEqual(after.history.map((h) => [h.seq, h.type]), stored.history.map((h) => [h.seq, h.type]));
  t.is(after.number, stored.number, 'fields the change did not touch come from the base');
  await t.throwsAsync(
    applyTicketChange(id, { version: 1, historyLength: base.history.length }, { set: { status: 'new' }, events: [] }, base as never),
    { instanceOf: AppError, message: /已被他人修改/ },
  );
  t.is((await Ticket.findById(id).lean())!.status, 'manual');
});

test('a writer that read a version since changed gets 409, with or without the whole ticket', async (t) => {
  // The claims stay after their change is applied (for an hour): BatchUpdater's `applied` (data/tickets.ts) takes a
  // ticket at or past a version as proof that the update claimed for it went in, which only holds while nobody can claim it again.
  const tk = await newTicket();
  const id = new Types.ObjectId(tk.id);
  const base = (await Ticket.findById(id).lean())!;
  const note = (name: string) => ({ events: [{ at: new Date(), type: 'note' as const, actor: { id: null, name, role: 'system' as const }, note: name }] });
  await applyTicketChange(id, { version: 1, historyLength: 1 }, note('first'));
  await applyTicketChange(id, { version: 2, historyLength: 2 }, note('second'));
  for (const late of [undefined, base]) {
    await t.throwsAsync(applyTicketChange(id, { version: 1, historyLength: 1 }, note('late'), late as never), { instanceOf: AppError, message: /已被他人修改/ });
  }
  const stored = (await Ticket.findById(id).lean())!;
  t.is(stored.version, 3);
  t.deepEqual(stored.history.map((h) => h.note ?? null), [null, 'first', 'second']);
});

test.serial('the sweep rolls forward a change whose writer died, drops the claims of applied changes, and keeps those of the last hour', async (t) => {
  const [died, applied, recent] = await Promise.all([newTicket(), newTicket(), newTicket()]).then((x) => x.map((tk) => new Types.ObjectId(tk.id)));
  const note = (name: string) => ({ set: { title: name }, events: [{ at: new Date(), type: 'note' as const, actor: { id: null, name, role: 'system' as const }, note: name }] });
  await applyTicketChange(applied!, { version: 1, historyLength: 1 }, note('applied'));
  await applyTicketChange(recent!, { version: 1, historyLength: 1 }, note('recent'));
  // A writer that claimed version 2 of `died` two hours ago and crashed before its update.
  const at = new Date(Date.now() - 2 * 3600_000);
  await TicketChange.collection.insertOne(
    claimRecord({ _id: `${died!.toHexString()}:2`, ticketId: died!, version: 2, set: { title: 'from the crashed writer' }, events: [{ seq: 2, at, type: 'note', actor: { id: null, name: 'crashed', role: 'system' } }], at }) as never,
  );
  // And a claim no change can ever apply: version 5 of a ticket at version 2.
  await TicketChange.collection.insertOne(claimRecord({ _id: `${applied!.toHexString()}:5`, ticketId: applied!, version: 5, set: { title: 'never' }, events: [], at }) as never);
  t.deepEqual(await sweepClaims(), { rolledForward: 1, dropped: 2 });
  const d = (await Ticket.findById(died).lean())!;
  t.is(d.version, 2);
  t.is(d.title, 'from the crashed writer');
  t.deepEqual(d.history.map((h) => h.seq), [1, 2]);
  t.is(await TicketChange.countDocuments({ ticketId: { $in: [applied!, recent!] } }), 2, 'the claims of the last hour stay');
  // An hour on, `applied`'s claim is old enough; `recent` changed again meanwhile.
  const later = new Date(Date.now() + 61 * 60_000);
  await TicketChange.updateOne({ _id: `${recent!.toHexString()}:2` }, { $set: { at: new Date(later.getTime() - 10 * 60_000) } });
  t.deepEqual(await sweepClaims(later), { rolledForward: 0, dropped: 1 });
  t.is(await TicketChange.countDocuments({ ticketId: { $in: [died!, applied!] } }), 0);
  t.is(await TicketChange.countDocuments({ ticketId: recent }), 1, 'a claim of the last hour stays');
  t.is((await Ticket.findById(applied).lean())!.version, 2, 'dropping a claim changes no ticket');
});
