import test from 'ava';
import fc from 'fast-check';
import { decide, type Command, type UnitWithAncestors, type WorkflowTicket } from '../../server/domain/workflow.ts';
import { canSeeTicket, type Viewer } from '../../server/domain/access.ts';
import { STATUS_KEYS, type HistoryEvent, type TicketRecord } from '../../server/domain/ticket.ts';
import { AppError } from '../../server/errors.ts';

/**
 * Random sequences of workflow commands by random users, applied as the data
 * layer would: no ticket reaches an invalid state, history is append-only and
 * numbered, someone always owns the ticket, and only the assigned units (and
 * their parents) can see it.
 */
const UNITS: Record<string, UnitWithAncestors> = {
  'dist-a': { unitId: 'dist-a', unitName: '东湖区', ancestors: [] },
  'st-a1': { unitId: 'st-a1', unitName: '湖滨街道', ancestors: ['dist-a'] },
  'dist-b': { unitId: 'dist-b', unitName: '西城区', ancestors: [] },
  'dept-zjj': { unitId: 'dept-zjj', unitName: '住建局', ancestors: [] },
};
const UNIT_IDS = Object.keys(UNITS);

const USERS: Viewer[] = [
  { id: 'op', name: '话务员', role: 'operator', unitId: 'center', atCenter: true },
  { id: 'disp', name: '派单员', role: 'dispatcher', unitId: 'center', atCenter: true },
  { id: 'mgr', name: '中心主任', role: 'manager', unitId: 'center', atCenter: true },
  { id: 'mgr-a', name: '东湖区督办', role: 'manager', unitId: 'dist-a', atCenter: false },
  ...UNIT_IDS.map((u): Viewer => ({ id: `h-${u}`, name: `${u}承办人`, role: 'unit_handler', unitId: u, atCenter: false })),
];

type Sim = WorkflowTicket & Pick<TicketRecord, 'scopeUnitIds' | 'owner' | 'version'> & { history: HistoryEvent[] };

const unitArb = fc.constantFrom(...UNIT_IDS);
const assignmentArb = fc.tuple(unitArb, fc.subarray(UNIT_IDS, { maxLength: 2 }));
// Mostly valid text, sometimes blank (which must be refused with 422).
const text = fc.oneof({ arbitrary: fc.constantFrom('已处理', '情况说明'), weight: 9 }, { arbitrary: fc.constantFrom('', '  '), weight: 1 });

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  assignmentArb.map(([lead, co]) => ({ kind: 'dispatch', lead: UNITS[lead]!, coUnits: co.map((c) => UNITS[c]!) }) as Command),
  fc.tuple(assignmentArb, text).map(([[lead, co], reason]) => ({ kind: 'redispatch', lead: UNITS[lead]!, coUnits: co.map((c) => UNITS[c]!), reason }) as Command),
  fc.tuple(assignmentArb, text).map(([[lead, co], reason]) => ({ kind: 'arbitrate', lead: UNITS[lead]!, coUnits: co.map((c) => UNITS[c]!), reason }) as Command),
  fc.constant({ kind: 'accept' } as Command),
  text.map((note) => ({ kind: 'contact', note }) as Command),
  text.map((note) => ({ kind: 'progress', note }) as Command),
  text.map((reason) => ({ kind: 'request_return', reason, returnWindowEndsAt: null }) as Command),
  fc.tuple(fc.boolean(), text).map(([approve, reason]) => ({ kind: 'decide_return', approve, reason }) as Command),
  text.map((t) => ({ kind: 'co_report', text: t }) as Command),
  fc.tuple(fc.constantFrom('resolved', 'partly', 'unresolved', 'explained'), text, fc.option(text, { nil: undefined })).map(
    ([result, t, override]) => ({ kind: 'reply', result, text: t, ...(override === undefined ? {} : { override }) }) as Command,
  ),
  fc.tuple(fc.boolean(), fc.option(text, { nil: undefined })).map(([approve, reason]) => ({ kind: 'review', approve, ...(reason === undefined ? {} : { reason }) }) as Command),
  fc.tuple(fc.constantFrom('satisfied', 'basically', 'unsatisfied'), fc.boolean(), fc.boolean()).map(
    ([satisfaction, resolved, unitFault]) => ({ kind: 'callback', satisfaction, resolved, unitFault }) as Command,
  ),
);

/** A random user, or (null) the user who would plausibly issue the command, so walks get deep into the loop. */
const stepArb = fc.tuple(fc.option(fc.constantFrom(...USERS), { nil: null, freq: 2 }), commandArb);

function plausibleUser(t: Sim, cmd: Command): Viewer {
  const by = (id: string) => USERS.find((u) => u.id === id)!;
  switch (cmd.kind) {
    case 'dispatch':
    case 'redispatch':
    case 'decide_return':
    case 'review':
      return by('disp');
    case 'arbitrate':
      return by('mgr');
    case 'callback':
      return by('op');
    case 'co_report':
      return by(`h-${t.coUnits?.[0]?.unitId ?? 'dist-b'}`);
    default:
      return by(`h-${t.lead?.unitId ?? 'st-a1'}`);
  }
}

function fresh(): Sim {
  return {
    status: 'manual',
    scopeUnitIds: [],
    coUnits: [],
    owner: { kind: 'user', id: 'op', name: '话务员' },
    version: 1,
    history: [{ seq: 1, at: new Date(0), type: 'created', actor: { id: 'op', name: '话务员', role: 'operator' } }],
  };
}

function checkInvariants(t: Sim): void {
  if (!STATUS_KEYS.includes(t.status)) throw new Error(`invalid status ${t.status}`);
  t.history.forEach((h, i) => {
    if (h.seq !== i + 1) throw new Error(`history seq ${h.seq} at ${i}`);
  });
  if (!t.owner || !t.owner.name) throw new Error('ticket without an owner');
  const assigned = ['dispatched', 'accepted', 'return_requested', 'replied', 'callback'].includes(t.status);
  const allowed = new Set<string>();
  for (const u of [t.lead, ...(t.coUnits ?? [])]) {
    if (!u) continue;
    allowed.add(u.unitId);
    for (const a of UNITS[u.unitId]!.ancestors) allowed.add(a);
  }
  if (assigned) {
    if (!t.lead) throw new Error(`status ${t.status} without a lead unit`);
    if (!t.scopeUnitIds.includes(t.lead.unitId)) throw new Error('lead unit cannot see its ticket');
  }
  if (['manual', 'arbitration'].includes(t.status) && t.scopeUnitIds.length) throw new Error(`units still see a ticket in ${t.status}`);
  for (const u of t.scopeUnitIds) if (!allowed.has(u)) throw new Error(`unit ${u} sees a ticket not assigned to it`);
  if (t.status === 'accepted' && t.owner.kind !== 'unit') throw new Error('accepted but not owned by the unit');
}

test('random command sequences by random users never break the ticket', (t) => {
  let applied = 0;
  let refused = 0;
  const reached = new Set<string>();
  fc.assert(
    fc.property(fc.array(stepArb, { minLength: 20, maxLength: 80, size: 'max' }), (steps) => {
      let tk = fresh();
      let at = 1;
      for (const [randomUser, cmd] of steps) {
        const user = randomUser ?? plausibleUser(tk, cmd);
        const before = JSON.stringify(tk);
        const wasClosed = tk.status === 'closed';
        try {
          // The service refuses before deciding when the user cannot see the ticket.
          if (!canSeeTicket(user, tk)) throw new AppError(403, 'forbidden', 'outside scope');
          const change = decide(tk, cmd, user, new Date(at++));
          if (wasClosed) throw new Error('a closed ticket accepted a command');
          const events = change.events.map((e, i) => ({ ...e, seq: tk.history.length + i + 1 }));
          if (events.length === 0) throw new Error('a change without a history event');
          tk = { ...tk, ...(change.set as Partial<Sim>), version: tk.version + 1, history: [...tk.history, ...events] };
          for (const k of ['lead', 'returnRequest', 'reply'] as const) if ((tk as Record<string, unknown>)[k] === null) delete (tk as Record<string, unknown>)[k];
          applied++;
        } catch (err) {
          if (!(err instanceof AppError) || ![403, 409, 422].includes(err.status)) throw err;
          if (JSON.stringify(tk) !== before) throw new Error('a refused command changed the ticket', { cause: err });
          refused++;
        }
        checkInvariants(tk);
        reached.add(tk.status);
      }
    }),
    { numRuns: 3000, seed: 12345 },
  );
  t.true(applied > 2000, `applied ${applied}`);
  // The walk must get deep into the loop, not just bounce off the first state.
  for (const s of ['dispatched', 'accepted', 'return_requested', 'arbitration', 'replied', 'callback', 'closed']) t.true(reached.has(s), s);
  t.log(`applied ${applied} commands, refused ${refused}`);
  t.true(refused > 1000, `refused ${refused}`);
});

test('the happy path is reachable: generated runs reach closed', (t) => {
  const disp = USERS[1]!;
  const h = USERS.find((u) => u.unitId === 'st-a1')!;
  let tk = fresh();
  const apply = (user: Viewer, cmd: Command) => {
    const c = decide(tk, cmd, user, new Date());
    tk = { ...tk, ...(c.set as Partial<Sim>), version: tk.version + 1, history: [...tk.history, ...c.events.map((e, i) => ({ ...e, seq: tk.history.length + i + 1 }))] };
    checkInvariants(tk);
  };
  apply(disp, { kind: 'dispatch', lead: UNITS['st-a1']!, coUnits: [] });
  apply(h, { kind: 'accept' });
  apply(h, { kind: 'reply', result: 'resolved', text: '已处理' });
  apply(disp, { kind: 'review', approve: true });
  apply(USERS[0]!, { kind: 'callback', satisfaction: 'satisfied', resolved: true, unitFault: false });
  t.is(tk.status, 'closed');
});
