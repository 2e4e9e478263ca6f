/**
 * The test command (`npm test`, also what CI runs): type check and lint, then
 * the ava suite against real, isolated stores: a FerretDB and a redis-server
 * on free ports in a temporary folder, removed afterwards. Never touches the
 * shared Redis on 6379 or a developer's data.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFerretdb, freePort, PROJECT_ROOT, startFerretdb, startRedis, type StoreHandle } from './stores.ts';
import { ensureUiBuilt } from './ui-build.ts';
import { ensureChromium } from './ensure-chromium.ts';

function runStep(cmd: string, args: string[], env: NodeJS.ProcessEnv, capture = false): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'] });
    let out = '';
    const tee = (chunk: Buffer, to: NodeJS.WriteStream) => {
      out += chunk.toString();
      to.write(chunk);
    };
    child.stdout?.on('data', (c: Buffer) => tee(c, process.stdout));
    child.stderr?.on('data', (c: Buffer) => tee(c, process.stderr));
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

const started: StoreHandle[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'hotline-test-'));
let exitCode = 1;
try {
  const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin');
  // TEST_SKIP_CHECK=1 is for a developer re-running one test file; CI always checks.
  if (!process.env.TEST_SKIP_CHECK || process.env.CI) {
    console.log('▶ type check and lint');
    const check = await runStep('npm', ['run', '--silent', 'check'], process.env);
    if (check.code !== 0) throw new Error('type check or lint failed');
  }

  ensureFerretdb();
  // The browser tests need the built console and Debian's chromium.
  ensureUiBuilt();
  ensureChromium();
  const [mongoPort, redisPort] = [await freePort(), await freePort()];
  console.log(`▶ starting isolated stores in ${dir} (FerretDB :${mongoPort}, Redis :${redisPort})`);
  started.push(await startFerretdb({ dir: path.join(dir, 'ferretdb'), port: mongoPort }));
  started.push(await startRedis({ dir: path.join(dir, 'redis'), port: redisPort, persist: false }));

  const env = {
    ...process.env,
    NODE_ENV: 'test',
    TEST_MONGODB_BASE: started[0]!.url,
    TEST_REDIS_URL: started[1]!.url,
    TEST_TMP_DIR: dir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  };
  const args = process.argv.slice(2);
  console.log('▶ ava');
  const ava = await runStep(path.join(bin, 'ava'), args, env, true);
  // ava's summary omits the pass count when something failed: count the result marks instead.
  const passed = ava.out.match(/^\s*✔/gmu)?.length ?? 0;
  const failed = (ava.out.match(/^\s*✘/gmu)?.length ?? 0) + Number(/(\d+) uncaught exceptions?/.exec(ava.out)?.[1] ?? 0);
  const skipped = ava.out.match(/^\s*- \[skip\]/gmu)?.length ?? 0;
  console.log(`\nava: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  exitCode = ava.code !== 0 || failed > 0 || passed === 0 ? 1 : 0;
} catch (err) {
  console.error(`✘ ${(err as Error).message}`);
} finally {
  await Promise.all(started.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
