/**
 * Shared benchmark plumbing: isolated embedded stores in a temp folder, the
 * server as its own process, percentiles, and the results file.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, PROJECT_ROOT, startFerretdb, startRedis, waitForPort, type StoreHandle } from '../stores.ts';
import { connectMongo, syncAllIndexes } from '../../server/data/db.ts';
import { seedDemo } from '../seed/index.ts';

export interface BenchStores {
  env: NodeJS.ProcessEnv;
  /** The store processes, for their CPU time (cpuMs). */
  pids: { ferretdb?: number; redis?: number };
  stop(): Promise<void>;
}

export async function startBenchStores(): Promise<BenchStores> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-'));
  const handles: StoreHandle[] = [];
  handles.push(await startFerretdb({ dir: path.join(dir, 'ferretdb'), port: await freePort() }));
  handles.push(await startRedis({ dir: path.join(dir, 'redis'), port: await freePort(), persist: false }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    MONGODB_URI: `${handles[0]!.url}/bench`,
    REDIS_URL: handles[1]!.url,
    AUTH_SECRET: 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    LOG_LEVEL: 'warn',
  };
  return {
    env,
    pids: { ferretdb: handles[0]!.child.pid, redis: handles[1]!.child.pid },
    async stop() {
      await Promise.all(handles.map((h) => h.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `BENCH_CPU_PROF=<dir>`: every process a benchmark starts writes a V8 CPU profile there when it stops. */
const profileArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];

/** Bench stores holding the demo data (江州市), this process connected to them, and a port for the server. */
export async function startDemoStores(): Promise<{ stores: BenchStores; env: NodeJS.ProcessEnv; port: number }> {
  const stores = await startBenchStores();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...stores.env, PORT: String(port), SERVICE_NAME: 'bench' };
  await connectMongo(env.MONGODB_URI!);
  await syncAllIndexes();
  await seedDemo();
  return { stores, env, port };
}

export async function startProcess(script: string, env: NodeJS.ProcessEnv, port?: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...profileArgs, '--import', 'tsx', script], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (port) await waitForPort(port, child, script);
  return child;
}

export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function writeResults(name: string, results: Record<string, unknown>): void {
  const dir = path.join(PROJECT_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ ...results, at: new Date().toISOString(), cpus: os.cpus().length }, null, 2)}\n`);
  console.log(`\nwritten ${path.relative(PROJECT_ROOT, file)}`);
}

let clockTicksPerSec: number | undefined;

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); NaN where that cannot be read. */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    clockTicksPerSec ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime and stime the 14th and 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSec;
  } catch {
    return NaN;
  }
}

/** Kept-alive connections for the load a benchmark generates (with fetch the generator took about twice the CPU at 100 calls/s: 26 % of a core against 13 %, on the same 2 cores as the service). */
const loadAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POST a JSON body; the status and the parsed JSON answer. */
export function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: loadAgent, headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as T });
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
