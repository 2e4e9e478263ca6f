/**
 * A small unit tree and one user per role for API tests:
 *   center (热线中心)
 *   dist-a (东湖区) ─ st-a1 (湖滨街道)
 *   dist-b (西城区)
 *   dept-zjj (市住建局)
 */
import { Category, Unit, User } from '../../server/data/models/index.ts';
import { hashPassword } from '../../server/services/auth.ts';
import type { Role } from '../../server/domain/ticket.ts';

export interface Fixtures {
  password: string;
  users: Record<string, { id: string; role: Role; unitId: string }>;
}

const UNITS = [
  { _id: 'center', name: '12345热线中心', kind: 'center', parentId: null, ancestors: [] },
  { _id: 'dist-a', name: '东湖区人民政府', kind: 'district', parentId: null, ancestors: [] },
  { _id: 'st-a1', name: '东湖区湖滨街道办事处', kind: 'street', parentId: 'dist-a', ancestors: ['dist-a'] },
  { _id: 'dist-b', name: '西城区人民政府', kind: 'district', parentId: null, ancestors: [] },
  { _id: 'dept-zjj', name: '市住房和城乡建设局', kind: 'department', parentId: null, ancestors: [] },
];

const USERS: { username: string; displayName: string; role: Role; unitId: string }[] = [
  { username: 'op', displayName: '王话务', role: 'operator', unitId: 'center' },
  { username: 'disp', displayName: '李派单', role: 'dispatcher', unitId: 'center' },
  { username: 'mgr', displayName: '赵主任', role: 'manager', unitId: 'center' },
  { username: 'admin', displayName: '系统管理员', role: 'admin', unitId: 'center' },
  { username: 'mgr-a', displayName: '东湖区督办', role: 'manager', unitId: 'dist-a' },
  { username: 'h-a', displayName: '东湖区承办人', role: 'unit_handler', unitId: 'dist-a' },
  { username: 'h-a1', displayName: '湖滨街道承办人', role: 'unit_handler', unitId: 'st-a1' },
  { username: 'h-b', displayName: '西城区承办人', role: 'unit_handler', unitId: 'dist-b' },
  { username: 'h-zjj', displayName: '住建局承办人', role: 'unit_handler', unitId: 'dept-zjj' },
];

export async function createFixtures(): Promise<Fixtures> {
  const password = 'test-Password-1';
  await Unit.insertMany(UNITS);
  await Category.insertMany([
    { _id: '01', name: '城乡建设', parentId: null, level: 1, path: ['城乡建设'] },
    { _id: '0101', name: '物业管理', parentId: '01', level: 2, path: ['城乡建设', '物业管理'] },
    { _id: '010101', name: '电梯故障', parentId: '0101', level: 3, path: ['城乡建设', '物业管理', '电梯故障'] },
  ]);
  const passwordHash = await hashPassword(password);
  const docs = await User.insertMany(USERS.map((u) => ({ ...u, passwordHash })));
  const users: Fixtures['users'] = {};
  for (const d of docs) users[d.username] = { id: d._id.toHexString(), role: d.role as Role, unitId: d.unitId };
  return { password, users };
}
