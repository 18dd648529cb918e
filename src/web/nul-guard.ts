import type { RequestHandler } from 'express';
import { AppError } from '../errors';

/**
 * Refuses a request whose query or parsed body carries a NUL character, naming the field.
 * Postgres cannot store NUL in text (SQLite can), so without this a stray %00 would be a 500 on
 * one store and a stored oddity on the other; no form or API field has a use for it.
 */
export const refuseNul: RequestHandler = (req, _res, next) => {
  assertNoNul(req.query);
  assertNoNul(req.body);
  next();
};

/** The same check for a body a route parses itself (a signed webhook's raw bytes). */
export function assertNoNul(value: unknown): void {
  const field = nulField(value, '');
  if (field !== undefined) {
    throw new AppError('invalid_input', 'The request has invalid fields.', [{ field, message: 'must not contain a NUL character' }]);
  }
}

/** The path of the first string (or key) holding a NUL, if any. */
function nulField(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(body)' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at.split('\u0000').join('');
    const found = nulField(inner, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
