/**
 * Timing helpers shared by providers whose SDKs neither take an AbortSignal nor read Retry-After.
 */

/**
 * Runs `start` but settles as soon as `signal` aborts, rejecting with the signal's reason, so a
 * lane's timeout bounds the attempt even when the SDK ignores signals. The abandoned request keeps
 * running until the SDK's own timeout; its late outcome is swallowed here, never left unhandled.
 */
export function abortable<T>(signal: AbortSignal, start: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    start().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Milliseconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110).
 * Undefined when absent or unreadable, so the retry policy falls back to its own backoff.
 */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
