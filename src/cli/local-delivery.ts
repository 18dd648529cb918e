import type { Crier } from '../main';
import { countByChannel, countDueNow } from '../delivery/delivery.repository';
import { pause, pollUntilSettled, unsettled, type ChannelStates, type FollowOptions, type FollowResult } from './backend';

/**
 * Who sends a broadcast the CLI published straight into the store. A Crier running on the same
 * store claims due deliveries at its lanes' idle poll (at most a second), so the CLI first
 * waits a little for a claim; if nobody claims, nothing else is running, and the CLI runs the
 * lanes itself until the broadcast settles and nothing else is due (the team's first alert is a
 * broadcast of its own). Claims are conditional updates, so if a service starts meanwhile both
 * share the work and each delivery is still sent once.
 */
const POLL_MS = 200;

export async function followLocally(crier: Crier, broadcastId: number, options: FollowOptions & { claimGraceMs: number }): Promise<FollowResult> {
  const read = () => countByChannel(crier.store.db, broadcastId);
  const started = Date.now();
  let states = await read();
  options.onProgress(states);
  if (unsettled(states) === 0) return { states, settled: true, deliveredBy: 'none' };

  const claimedElsewhere = await waitForClaim(read, Math.min(options.claimGraceMs, options.timeoutMs), options);
  if (!claimedElsewhere) crier.dispatcher.start();
  const remaining = () => Math.max(0, options.timeoutMs - (Date.now() - started));
  const result = await pollUntilSettled(read, { ...options, timeoutMs: remaining() }, POLL_MS);
  states = result.states;
  if (!claimedElsewhere) {
    // Our lanes are the only ones: finish what else is due now before stopping them.
    const until = Date.now() + remaining();
    while (!options.signal?.aborted && Date.now() < until && (await countDueNow(crier.store.db, Date.now())) > 0) await pause(POLL_MS, options.signal);
  }
  return { states, settled: result.settled, deliveredBy: claimedElsewhere ? 'service' : 'cli' };
}

/** True once any delivery has left `pending` by someone else's hand, within the grace period. */
async function waitForClaim(read: () => Promise<ChannelStates>, graceMs: number, options: FollowOptions): Promise<boolean> {
  const until = Date.now() + graceMs;
  for (;;) {
    const states = await read();
    options.onProgress(states);
    const touched = Object.values(states).some((s) => Object.entries(s).some(([state, n]) => n > 0 && state !== 'pending' && state !== 'skipped'));
    if (touched) return true;
    if (Date.now() >= until || options.signal?.aborted) return false;
    await pause(POLL_MS, options.signal);
  }
}
