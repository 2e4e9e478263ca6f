import type { z } from 'zod';
import { BadRequestError, ValidationError } from '../errors.ts';

/** Parse input with a zod schema; every bad field is named in one 422. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, prefix = ''): z.infer<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  throw new ValidationError(
    r.error.issues.map((i) => ({
      field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)',
      problem: i.message,
    })),
  );
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuse keys that MongoDB would read as operators or paths ({"$gt": ""},
 * "a.b") and prototype keys, anywhere in a JSON body or query. Schemas reject
 * most of these already; this guard holds even where a schema is loose.
 */
export function assertSafeKeys(value: unknown, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertSafeKeys(v, `${path}[${i}]`));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const where = path ? `${path}.${key}` : key;
    if (key.includes('$') || key.includes('.') || FORBIDDEN_KEYS.has(key)) {
      throw new BadRequestError('forbidden_key', `字段名 "${where}" 不允许 (keys containing $ or . and __proto__ are refused)`);
    }
    assertSafeKeys((value as Record<string, unknown>)[key], where);
  }
}
