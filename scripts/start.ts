/**
 * `npm start`: the whole hotline on one machine. Starts the embedded stores
 * (unless MONGODB_URI / REDIS_URL point elsewhere), loads the demo data on
 * first run, then runs the server and the workers as supervised child
 * processes. Ctrl-C stops everything cleanly; data stays in .data/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, startFerretdb, startRedis, type StoreHandle } from './stores.ts';
import { ensureUiBuilt } from './ui-build.ts';

const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(PROJECT_ROOT, '.data'));
mkdirSync(dataDir, { recursive: true });
const stores: StoreHandle[] = [];
const children = new Map<string, ChildProcess>();
let stopping = false;

function persistentSecret(): string {
  const file = path.join(dataDir, 'auth-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  const env: NodeJS.ProcessEnv = { ...process.env };
  ensureUiBuilt();
  if (!env.MONGODB_URI) {
    const port = Number(env.EMBEDDED_MONGO_PORT ?? 27018);
    console.log(`▶ 启动内置 MongoDB (FerretDB 1.24.2, SQLite) 127.0.0.1:${port}，数据目录 ${path.join(dataDir, 'ferretdb')}`);
    const s = await startFerretdb({ dir: path.join(dataDir, 'ferretdb'), port });
    stores.push(s);
    env.MONGODB_URI = `${s.url}/hotline`;
  }
  if (!env.REDIS_URL) {
    const port = Number(env.EMBEDDED_REDIS_PORT ?? 6380);
    console.log(`▶ 启动内置 Redis 127.0.0.1:${port}（AOF 持久化），数据目录 ${path.join(dataDir, 'redis')}`);
    const s = await startRedis({ dir: path.join(dataDir, 'redis'), port, persist: true });
    stores.push(s);
    env.REDIS_URL = s.url;
  }
  env.AUTH_SECRET ??= persistentSecret();
  env.PORT ??= '3000';

  console.log('▶ 检查演示数据');
  const seed = await runOnce('seed', ['scripts/seed/index.ts'], env);
  if (seed !== 0) throw new Error('loading demo data failed');

  supervise('server', ['server/main.ts'], env);
  supervise('workers', ['workers/main.ts'], env);

  const { DEMO_LOGINS } = await import('./seed/users.ts');
  const host = env.HOST ?? '127.0.0.1';
  console.log(`\n✔ 12345 热线工单系统已启动: http://${host}:${env.PORT}/`);
  console.log('  演示账号（密码均为 Demo@12345）:');
  for (const l of DEMO_LOGINS) console.log(`    ${l.username.padEnd(14)} ${l.role}  ${l.unit}`);
  console.log('  按 Ctrl-C 停止。\n');
}

function runOnce(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: PROJECT_ROOT, env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** Run a process and restart it if it dies (a crash loses nothing: all state is in the stores). */
function supervise(name: string, args: string[], env: NodeJS.ProcessEnv, restarts = 0) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...env, SERVICE_NAME: name },
    stdio: 'inherit',
  });
  children.set(name, child);
  const started = Date.now();
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    if (code === 2) {
      console.error(`✘ ${name} 配置错误，未重启 (configuration error, see above)`);
      void shutdown(1);
      return;
    }
    const n = Date.now() - started > 60_000 ? 0 : restarts + 1;
    const delay = Math.min(1000 * 2 ** n, 30_000);
    console.error(`✘ ${name} exited (${signal ?? code}); restarting in ${delay / 1000}s`);
    setTimeout(() => !stopping && supervise(name, args, env, n), delay);
  });
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\n▶ 正在停止…');
  await Promise.all(
    [...children.values()].map(
      (c) =>
        new Promise<void>((resolve) => {
          const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
          c.once('exit', () => (clearTimeout(t), resolve()));
          c.kill('SIGTERM');
        }),
    ),
  );
  await Promise.all(stores.map((s) => s.stop()));
  console.log('✔ 已停止，数据保留在', dataDir);
  process.exit(code);
}

// `on`, not `once`: a supervisor (or tsx relaying the signal) may send it twice, and a second default SIGTERM would kill this process mid-shutdown and orphan the stores.
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
main().catch(async (err) => {
  console.error(`✘ ${(err as Error).message}`);
  await shutdown(1);
});
