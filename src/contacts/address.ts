import type { Selectable } from 'kysely';
import type { AddressesTable } from '../store/schema';

export const ADDRESS_CHANNELS = ['email', 'sms', 'slack', 'webhook', 'teams'] as const;
/** How an address is reached: email address, E.164 number, Slack target, signed-webhook URL or Teams webhook URL. X, Mastodon and Bluesky are broadcast channels with no per-contact address. */
export type AddressChannel = (typeof ADDRESS_CHANNELS)[number];

export interface Address {
  id: number;
  contactId: number;
  channel: AddressChannel;
  address: string;
  optedOutAt: number | null;
  optOutReason: string | null;
  /** Set when a provider said the address is bad; broadcasts skip it until it is released. */
  quarantinedAt: number | null;
  quarantineReason: string | null;
  createdAt: number;
}

export interface NewAddress {
  channel: AddressChannel;
  address: string;
}

export type AddressRow = Selectable<AddressesTable>;

export function toAddress(row: AddressRow): Address {
  return {
    id: row.id,
    contactId: row.contact_id,
    channel: row.channel as AddressChannel,
    address: row.address,
    optedOutAt: row.opted_out_at,
    optOutReason: row.opt_out_reason,
    quarantinedAt: row.quarantined_at,
    quarantineReason: row.quarantine_reason,
    createdAt: row.created_at,
  };
}

/**
 * The one spelling an address is stored and looked up in, so an opt-out arriving as
 * "Ana@Example.com" still matches "ana@example.com". Phone numbers and URLs are kept as given.
 */
export function normalizeAddress(channel: AddressChannel, address: string): string {
  const trimmed = address.trim();
  return channel === 'email' ? trimmed.toLowerCase() : trimmed;
}
