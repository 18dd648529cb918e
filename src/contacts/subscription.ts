import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import type { SubscriptionsTable } from '../store/schema';
import { parseStringList } from './json-list';

export const CONSENTS = ['pending', 'confirmed', 'unsubscribed'] as const;
/** pending until the double opt-in link is followed; only confirmed addresses are sent to. */
export type Consent = (typeof CONSENTS)[number];

/**
 * What one address agreed to hear about. An empty components list means every component. The
 * manage token is the one-click unsubscribe/preferences link; the confirm token exists while
 * consent is pending.
 */
export interface Subscription {
  id: number;
  contactId: number;
  addressId: number;
  components: string[];
  consent: Consent;
  consentSource: string;
  consentAt: number;
  /** SHA-256 of the confirmation link's token while consent is pending; the token is only in the link. */
  confirmToken: string | null;
  /** SHA-256 of the manage link's token. */
  manageToken: string;
  createdAt: number;
}

export interface NewSubscription {
  addressId: number;
  consent: Consent;
  consentSource: string;
  consentAt: number;
  components?: string[];
}

export type SubscriptionRow = Selectable<SubscriptionsTable>;

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    contactId: row.contact_id,
    addressId: row.address_id,
    components: parseStringList(row.components),
    consent: row.consent,
    consentSource: row.consent_source,
    consentAt: row.consent_at,
    confirmToken: row.confirm_token,
    manageToken: row.manage_token,
    createdAt: row.created_at,
  };
}

/** 32 random bytes, URL-safe: unguessable, so a link holding it is the only credential needed. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** What is stored for a link's token: its SHA-256, so the database alone opens no link. */
export function tokenDigest(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** The raw tokens of links just made, to put in a message; only their digests are stored. */
export interface LinkTokens {
  confirm: string | null;
  manage: string;
}
