import { DeliveryError } from './provider';

/**
 * A fetch that never got an HTTP answer: refused (nothing sent), timed out or cut off (maybe
 * sent). fetch hides the socket error in `cause`, possibly a few levels down. Duck-typed:
 * fetch's errors come from Node's own realm, where instanceof Error can fail.
 */
export function networkError(platform: string, providerId: string, err: unknown): DeliveryError {
  let cause: unknown = err;
  let code: string | undefined;
  for (let depth = 0; depth < 4 && typeof cause === 'object' && cause !== null && !code; depth += 1) {
    const { name, code: found } = cause as { name?: unknown; code?: unknown };
    if (name === 'TimeoutError' || name === 'AbortError') code = 'timeout';
    else if (typeof found === 'string') code = found;
    cause = (cause as { cause?: unknown }).cause;
  }
  const refused = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return new DeliveryError(`${platform} unreachable: ${String(err)}`, providerId, true, { code: code ?? 'network', maybeSent: !refused, cause: err });
}
