/** The console's HTTP client: JSON in and out, the login token, the API's one error shape. */
import type { RoutingSummary } from '../../server/domain/ticket.ts';

export interface User {
  id: string;
  name: string;
  role: 'operator' | 'dispatcher' | 'unit_handler' | 'manager' | 'admin';
  unitId: string;
  atCenter: boolean;
}

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}

export interface HistoryEvent {
  seq: number;
  at: string;
  type: string;
  actor: { id: string | null; name: string; role: string };
  note?: string;
  data?: Record<string, unknown>;
}

export interface Ticket {
  id: string;
  number: string;
  channel: string;
  status: string;
  statusLabel: string;
  type: string;
  category: { code: string; path: string[] } | null;
  urgency: string;
  title: string | null;
  content: string;
  location: { address?: string; areaCode?: string };
  confidential: boolean;
  caller: { name?: string | null; phone?: string | null; visibility?: string } | null;
  owner: { kind: string; id: string | null; name: string } | null;
  lead: { unitId: string; unitName: string } | null;
  coUnits: { unitId: string; unitName: string }[];
  deadlines: Record<string, unknown> | null;
  overdue: boolean;
  emergency: { line: string; at: string; note?: string } | null;
  closure: { reason: string; at: string; answer?: string } | null;
  /** The routing worker's suggestion and reasons (tickets it routed or parked). */
  routing: RoutingSummary | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  history?: HistoryEvent[];
}

export interface Category {
  _id: string;
  name: string;
  parentId: string | null;
  level: number;
  path: string[];
  keywords?: string[];
}

export interface Unit {
  _id: string;
  name: string;
  kind: string;
  parentId: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { field: string; problem: string }[],
  ) {
    super(message);
  }
}

/** A request that never reached the server (offline, server down). */
export class NetworkError extends Error {}

const SESSION_KEY = 'hotline.session';

export function loadSession(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    if (!s || new Date(s.expiresAt).getTime() < Date.now()) return null;
    return s;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else localStorage.removeItem(SESSION_KEY);
}

let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T>(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const session = loadSession();
  const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  } catch (err) {
    throw new NetworkError((err as Error).message);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null; // not JSON (a proxy's error page)
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: { field: string; problem: string }[] } } | null)?.error;
    if (res.status === 401 && !path.endsWith('/auth/login')) onUnauthorized();
    if (res.status >= 502 && !e) throw new NetworkError(`HTTP ${res.status}`);
    throw new ApiError(res.status, e?.code ?? 'error', e?.message ?? `HTTP ${res.status}`, Array.isArray(e?.details) ? e.details : undefined);
  }
  return body as T;
}

/** The Chinese half of the API's bilingual messages ("中文 (English)") or the whole in English mode. */
export function errorText(err: unknown, lang: 'zh' | 'en'): string {
  if (err instanceof ApiError) {
    const msg = err.details?.length ? err.details.map((d) => `${d.field}: ${d.problem}`).join('；') : err.message;
    if (lang === 'en') return msg;
    return msg.replace(/\s*\([^()]*\)/g, '');
  }
  return lang === 'en' ? 'Network error, please retry' : '网络异常，请稍后重试';
}
