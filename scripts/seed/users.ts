import type { Types } from 'mongoose';
import { ROLES, type Role } from '../../server/domain/ticket.ts';
import { Rng, mobile, seedObjectId, uniqueName } from './random.ts';
import { CENTER_ID, buildDemoUnits, unitMeta, type SeedUnit } from './units.ts';

/**
 * Demo users: hotline staff at the center, an A/B post (承办人) for every
 * unit that receives tickets, and a manager for each district. Everyone
 * shares one demo password.
 */
export const DEMO_PASSWORD = 'Demo@12345';

/** A user document as inserted, less the password hash (added at insert). */
export interface SeedUser {
  _id: Types.ObjectId;
  username: string;
  displayName: string;
  role: Role;
  unitId: string;
  phone: string;
  active: boolean;
}

export interface DemoLogin {
  username: string;
  /** Role label, e.g. 话务员. */
  role: string;
  /** Unit name (short form). */
  unit: string;
}

const CENTER_STAFF: Array<{ username: string; role: Role }> = [
  { username: 'operator1', role: 'operator' },
  { username: 'operator2', role: 'operator' },
  { username: 'operator3', role: 'operator' },
  { username: 'operator4', role: 'operator' },
  { username: 'operator5', role: 'operator' },
  { username: 'operator6', role: 'operator' },
  { username: 'dispatcher1', role: 'dispatcher' },
  { username: 'dispatcher2', role: 'dispatcher' },
  { username: 'dispatcher3', role: 'dispatcher' },
  { username: 'manager', role: 'manager' },
  { username: 'admin', role: 'admin' },
];

/** Fixed display names for the accounts people log in with first. */
const FIXED_NAMES: Record<string, string> = {
  operator1: '刘晓燕',
  operator2: '陈婷',
  dispatcher1: '周建平',
  manager: '王海涛',
  admin: '系统管理员',
};

/** Every user, in a stable order; ids follow `now` so they read as recent. */
export function buildDemoUsers(units: readonly SeedUnit[], now: Date): SeedUser[] {
  const rng = new Rng(0x2345_0002);
  const taken = new Set<string>([...Object.values(FIXED_NAMES), ...units.map((u) => u.chief.name)]);
  const base = new Date(now.getTime() - 90 * 86_400_000);
  const out: SeedUser[] = [];
  const add = (username: string, role: Role, unitId: string) => {
    const displayName = FIXED_NAMES[username] ?? uniqueName(rng, taken).full;
    out.push({ _id: seedObjectId(base, out.length + 1, 1), username, displayName, role, unitId, phone: mobile(rng), active: true });
  };
  for (const s of CENTER_STAFF) add(s.username, s.role, CENTER_ID);
  for (const u of units) {
    if (u._id === CENTER_ID) continue;
    const login = unitMeta(u._id).login;
    add(`${login}_a`, 'unit_handler', u._id);
    add(`${login}_b`, 'unit_handler', u._id);
    if (u.kind === 'district') add(`${login}_mgr`, 'manager', u._id);
  }
  return out;
}

/** The units with their A/B posts pointing at the users `${login}_a` and `${login}_b`. */
export function withHandlers(units: readonly SeedUnit[], users: readonly SeedUser[]): SeedUnit[] {
  const byName = new Map(users.map((u) => [u.username, u]));
  return units.map((u) => {
    const login = unitMeta(u._id).login;
    return { ...u, handlerA: byName.get(`${login}_a`)?._id ?? null, handlerB: byName.get(`${login}_b`)?._id ?? null };
  });
}

const FEATURED = [
  'operator1', 'operator2', 'dispatcher1', 'manager', 'admin',
  'dcs_a', 'zjj_a', 'zjj_b', 'cgj_a', 'scj_a', 'rsj_a', 'jj_a', 'gdgs_a', 'zls_a',
  'dh_a', 'dh_mgr', 'dhhb_a', 'dhhb_b', 'jblj_a', 'nsbs_a', 'qysm_a',
];

function demoLogins(): DemoLogin[] {
  const units = buildDemoUnits();
  const users = buildDemoUsers(units, new Date('2026-01-01T00:00:00Z'));
  const unitName = new Map(units.map((u) => [u._id, u.shortName]));
  return FEATURED.map((username) => {
    const u = users.find((x) => x.username === username);
    if (!u) throw new Error(`featured demo login ${username} does not exist`);
    return { username, role: ROLES[u.role], unit: unitName.get(u.unitId) ?? u.unitId };
  });
}

/**
 * The logins the start script prints. Every unit has `<prefix>_a` and
 * `<prefix>_b`; districts also `<prefix>_mgr`. Password: DEMO_PASSWORD.
 */
export const DEMO_LOGINS: readonly DemoLogin[] = Object.freeze(demoLogins());
