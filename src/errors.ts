/**
 * One error type for everything the app refuses on purpose. The code decides the HTTP status;
 * the message is safe to show; `details` names fields for bad input.
 */
export type ErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'unauthorized' | 'forbidden' | 'rate_limited' | 'unavailable';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** zod issues → field problems, with paths written as `a.b[0].c`. */
export function fieldProblems(issues: { path: PropertyKey[]; message: string }[]): FieldProblem[] {
  return issues.map((i) => ({
    field: i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`)).join('') || '(body)',
    message: i.message,
  }));
}
