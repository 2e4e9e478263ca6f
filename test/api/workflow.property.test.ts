import test from 'ava';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../helpers/harness.ts';
import { Ticket } from '../../server/data/models/index.ts';

/**
 * The workflow property through the real API and stores: random actions by
 * random users; after every step the stored history is append-only and
 * numbered, and each unit handler can open the ticket exactly when its unit
 * is in the ticket's scope.
 */
let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after.always(async () => app?.stop());

const USERS = ['op', 'disp', 'mgr', 'h-a', 'h-a1', 'h-b', 'h-zjj'];
const HANDLERS: Record<string, string> = { 'h-a': 'dist-a', 'h-a1': 'st-a1', 'h-b': 'dist-b', 'h-zjj': 'dept-zjj' };
const UNITS = ['dist-a', 'st-a1', 'dist-b', 'dept-zjj'];

const actionArb = fc.oneof(
  fc.tuple(fc.constant('dispatch'), fc.record({ leadUnitId: fc.constantFrom(...UNITS) })),
  fc.tuple(fc.constant('redispatch'), fc.record({ leadUnitId: fc.constantFrom(...UNITS), reason: fc.constant('改派') })),
  fc.tuple(fc.constant('accept'), fc.constant({})),
  fc.tuple(fc.constant('contact'), fc.constant({ note: '已联系' })),
  fc.tuple(fc.constant('request_return'), fc.constant({ reason: '非本单位职责' })),
  fc.tuple(fc.constant('decide_return'), fc.record({ approve: fc.boolean(), reason: fc.constant('审核意见') })),
  fc.tuple(fc.constant('arbitrate'), fc.record({ leadUnitId: fc.constantFrom(...UNITS), reason: fc.constant('裁决') })),
  fc.tuple(fc.constant('reply'), fc.record({ result: fc.constantFrom('resolved', 'explained'), text: fc.constant('已答复') })),
  fc.tuple(fc.constant('review'), fc.record({ approve: fc.boolean(), reason: fc.constant('请补充') })),
  fc.tuple(fc.constant('callback'), fc.record({ satisfaction: fc.constantFrom('satisfied', 'unsatisfied'), resolved: fc.boolean(), unitFault: fc.boolean() })),
);

function plausible(action: string, lead: string | null): string {
  if (['dispatch', 'redispatch', 'decide_return', 'review'].includes(action)) return 'disp';
  if (action === 'arbitrate') return 'mgr';
  if (action === 'callback') return 'op';
  return Object.entries(HANDLERS).find(([, u]) => u === lead)?.[0] ?? 'h-a1';
}

test('random actions over HTTP keep history append-only and visibility exactly to the scope', async (t) => {
  let okSteps = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.option(fc.constantFrom(...USERS), { nil: null, freq: 2 }), actionArb), { minLength: 8, maxLength: 14, size: 'max' }), async (steps) => {
      const created = await app.api('POST', '/api/v1/tickets', {
        token: await app.login('op'),
        body: { caller: { phone: '13800001234' }, type: 'complaint', content: '夜间施工噪音扰民' },
      });
      const id = created.body.ticket.id as string;
      let version = created.body.ticket.version as number;
      let history = 1;
      let lead: string | null = null;
      for (const [randomUser, [action, body]] of steps) {
        // null: the user who would plausibly act, so runs get deep into the loop.
        const user = randomUser ?? plausible(action, lead);
        const res = await app.api('POST', `/api/v1/tickets/${id}/actions/${action}`, { token: await app.login(user), body: { version, ...body } });
        if (![200, 403, 409, 422].includes(res.status)) throw new Error(`unexpected ${res.status} ${JSON.stringify(res.body)}`);
        const stored = (await Ticket.findById(id).lean())!;
        if (res.status === 200) {
          okSteps++;
          if (stored.version !== version + 1) throw new Error('version did not advance by one');
          if (stored.history.length <= history) throw new Error('a change without history');
        } else if (stored.version !== version || stored.history.length !== history) {
          throw new Error(`refused ${action} by ${user} changed the ticket`);
        }
        stored.history.forEach((h, i) => {
          if (h.seq !== i + 1) throw new Error('history not numbered 1..n');
        });
        version = stored.version;
        lead = stored.lead?.unitId ?? null;
        history = stored.history.length;
        for (const [handler, unit] of Object.entries(HANDLERS)) {
          const view = await app.api('GET', `/api/v1/tickets/${id}`, { token: await app.login(handler) });
          const shouldSee = stored.scopeUnitIds.includes(unit);
          if ((view.status === 200) !== shouldSee) throw new Error(`${handler} visibility ${view.status} but scope ${stored.scopeUnitIds}`);
          if (shouldSee && view.body.ticket.caller.phone === '13800001234') throw new Error('unit saw the full phone');
        }
      }
    }),
    { numRuns: 20, seed: 2026 },
  );
  t.true(okSteps > 15, `applied ${okSteps}`);
  t.log(`applied ${okSteps} actions`);
});
