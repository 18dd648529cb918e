import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, fieldProblems } from '../errors';

/**
 * The one place errors become responses. AppError and zod errors are the client's fault and
 * say what is wrong; a malformed body is a 400, never a 500; anything else is logged and
 * answered with a bare 500 that leaks nothing.
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const error = toAppError(err);
  if (!error) {
    req.log.error({ err }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'Something went wrong; it has been logged.' } });
    return;
  }
  if (error.status >= 500) req.log.warn({ code: error.code }, error.message);
  res.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
};

function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return new AppError('invalid_input', 'The request has invalid fields.', fieldProblems(err.issues));
  const e = err as { type?: string; status?: number; message?: string };
  // body-parser marks its own failures with a type and a 4xx status.
  if (typeof e?.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError('invalid_input', e.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : `The request body was refused: ${e.type}.`);
  }
  return null;
}

export const notFound: RequestHandler = (_req, _res) => {
  throw new AppError('not_found', 'No such page.');
};
