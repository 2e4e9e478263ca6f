import { Category } from '../data/models/index.ts';

/**
 * The category dictionary (分类) as intake reads it, kept in each process:
 * every operator call with a category looked its code up in the store (one
 * round trip of the ~4 a ticket costs at intake). The dictionary is seeded,
 * not edited through the API, so a process re-reads all active categories
 * at most once a minute; a code it does not know is looked up by itself.
 */
const REFRESH_MS = 60_000;

interface Dictionary {
  readAt: number;
  paths: Map<string, string[]>;
}

let cached: Dictionary | null = null;
let loading: Promise<Dictionary> | null = null;

function reload(): Promise<Dictionary> {
  // Concurrent callers share one read.
  loading ??= (async () => {
    const readAt = Date.now();
    const rows = await Category.find({ active: true }, { path: 1 }).lean();
    cached = { readAt, paths: new Map(rows.map((c) => [c._id, c.path])) };
    return cached;
  })().finally(() => (loading = null));
  return loading;
}

/** The path of an active category (e.g. 城乡建设 > 物业管理 > 电梯故障), or null if the code is unknown or inactive. */
export async function activeCategoryPath(code: string): Promise<string[] | null> {
  const dict = cached && Date.now() - cached.readAt < REFRESH_MS ? cached : await reload();
  const path = dict.paths.get(code);
  if (path) return path;
  // Added since the dictionary was read, or unknown.
  const c = await Category.findOne({ _id: code, active: true }, { path: 1 }).lean();
  if (c) dict.paths.set(code, c.path);
  return c?.path ?? null;
}
