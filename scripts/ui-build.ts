/**
 * Build the console (agent-ui → agent-ui/dist) when the build is missing or
 * older than any of its sources. Used by `npm start` and `npm test`;
 * `npm run build:ui` always builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './stores.ts';

const UI = path.join(PROJECT_ROOT, 'agent-ui');
const BUILT = path.join(UI, 'dist', 'index.html');

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(p)) {
    if (name === 'dist' || name === 'node_modules') continue;
    max = Math.max(max, newestMtime(path.join(p, name)));
  }
  return max;
}

export function uiBuildIsStale(): boolean {
  if (!existsSync(BUILT)) return true;
  const built = statSync(BUILT).mtimeMs;
  const sources = Math.max(newestMtime(UI), statSync(path.join(PROJECT_ROOT, 'package-lock.json')).mtimeMs);
  return sources > built;
}

/** Build the console if needed; throws when the build fails. */
export function ensureUiBuilt(): void {
  if (!uiBuildIsStale()) return;
  console.log('▶ 构建坐席控制台 (vite build agent-ui)');
  const res = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'vite'), ['build', 'agent-ui', '--logLevel', 'warn'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
  if (res.status !== 0) throw new Error('building the console (agent-ui) failed');
}
