import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, fieldProblems } from '../errors';
import { messagePage } from './views/account.view';

/**
 * The one place errors become responses. AppError and zod errors are the client's fault and
 * say what is wrong; a malformed body is a 400, never a 500; anything else is logged and
 * answered with a bare 500 that leaks nothing.
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const error = toAppError(err);
  const page = wantsPage(req);
  if (!error) {
    req.log.error({ err }, 'unhandled error');
    const message = 'Something went wrong; it has been logged.';
    if (page) res.status(500).type('html').send(messagePage('Something went wrong', message));
    else res.status(500).json({ error: { code: 'internal', message } });
    return;
  }
  if (error.status >= 500) req.log.warn({ code: error.code }, error.message);
  if (page) res.status(error.status).type('html').send(messagePage(TITLES[error.code], error.message, error.details));
  else res.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
};

const TITLES: Record<AppError['code'], string> = {
  invalid_input: 'Please check the form', not_found: 'Not found', conflict: 'Not possible right now', unauthorized: 'Please sign in',
  forbidden: 'Not allowed', rate_limited: 'Too many requests', unavailable: 'Unavailable',
};

/** Browsers get a page; the API, webhooks and anything asking for JSON get JSON. */
function wantsPage(req: Parameters<ErrorRequestHandler>[1]): boolean {
  if (req.originalUrl.startsWith('/api/') || req.originalUrl.startsWith('/webhooks/')) return false;
  return req.accepts(['json', 'html']) === 'html';
}

function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return new AppError('invalid_input', 'The request has invalid fields.', fieldProblems(err.issues));
  const e = err as { type?: string; status?: number; message?: string };
  // body-parser marks its own failures with a type and a 4xx status.
  if (typeof e?.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError('invalid_input', e.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : `The request body was refused: ${e.type}.`, [{ field: '(body)', message: e.type === 'entity.parse.failed' ? 'is not valid JSON' : e.type }]);
  }
  return null;
}

export const notFound: RequestHandler = (_req, _res) => {
  throw new AppError('not_found', 'No such page.');
};
