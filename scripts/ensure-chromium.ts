/**
 * The browser tests drive Debian's chromium with playwright-core (no browser
 * download: playwright's own builds cannot be fetched here). Install the
 * `chromium` package with apt-get when /usr/bin/chromium is missing; needs
 * root, as on the project's machines and CI. Run directly or imported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, headless, sandbox-less chromium in tests. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--lang=zh-CN',
];

function run(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status ?? res.signal})`);
}

function hasChineseFont(): boolean {
  const res = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.trim().length > 0;
}

/** Make sure chromium and a Chinese font are installed; returns chromium's path. */
export function ensureChromium(): string {
  const missing = [...(existsSync(CHROMIUM_PATH) ? [] : ['chromium']), ...(hasChineseFont() ? [] : ['fonts-wqy-microhei'])];
  if (missing.length === 0) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`${CHROMIUM_PATH} is missing; install it as root: apt-get update && apt-get install -y chromium fonts-wqy-microhei`);
    }
    return CHROMIUM_PATH; // without a Chinese font screenshots show boxes, the tests still run
  }
  console.log(`▶ installing ${missing.join(', ')} (apt-get) for the browser tests`);
  run('apt-get', ['update', '-qq']);
  // fonts-wqy-microhei: Chinese text in screenshots instead of empty boxes.
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(`✘ ${(err as Error).message}`);
    process.exit(1);
  }
}
