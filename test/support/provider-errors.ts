import type http from 'node:http';
import { DeliveryError } from '../../src/channels/provider';

/** The DeliveryError a provider call rejected with; anything else fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  const err: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(err)}`);
  return err;
}

/** Let the agent see its pooled sockets close: reusing one would give ECONNRESET, not a refusal. */
export async function poolDrained(agent: http.Agent): Promise<void> {
  while (Object.keys(agent.freeSockets).length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
}
