import type { AddressChannel } from './address';
import type { ContactKind } from './contact';
import type { Consent } from './subscription';

export interface AudienceQuery {
  kinds: ContactKind[];
  channels: AddressChannel[];
  /** Keep only addresses following at least one of these (or all components); omit for everyone. */
  components?: string[];
}

/**
 * One address that a broadcast to the audience concerns. Rows that must not be sent to are
 * included on purpose (optedOut, consent other than 'confirmed', or null when the address has no
 * subscription at all), so the publish step can record each as skipped with its reason.
 */
export interface AudienceRow {
  contactId: number;
  addressId: number;
  kind: ContactKind;
  channel: AddressChannel;
  address: string;
  optedOut: boolean;
  consent: Consent | null;
}

/** True when a subscription following `followed` (empty = everything) hears about `affected`. */
export function followsAny(followed: readonly string[], affected: readonly string[] | undefined): boolean {
  if (!affected || affected.length === 0 || followed.length === 0) return true;
  return followed.some((c) => affected.includes(c));
}
