import type { DeliveryState } from '../store/schema';

/**
 * Receipts: what a provider's status callback or event proves about one delivery, after the
 * provider accepted it. Ranks order them, because callbacks arrive late, twice and out of order:
 * 0 proves nothing new (queued, processed, deferred, opens), 1 the provider handed the message on
 * (sent), 2 the final word (delivered, undelivered, failed, bounced, dropped). A delivery only
 * ever moves to a higher rank than the one it holds.
 */

export type ReceiptState = Extract<DeliveryState, 'sent' | 'delivered' | 'undelivered' | 'failed' | 'bounced' | 'dropped'>;

export interface Receipt {
  /** The state this receipt proves, or null when it moves no delivery. */
  state: ReceiptState | null;
  rank: number;
  /** The provider's error code, e.g. Twilio 30003 (unreachable) or 30006 (landline). */
  errorCode: string | null;
  /** Set when the person asked to hear no more (spam report, unsubscribe). */
  optOutReason: string | null;
  /** Set when the address itself is bad (hard bounce, unknown handset, landline): skip it from now on. */
  quarantineReason: string | null;
}

const proves = (state: ReceiptState, rank: number, errorCode: string | null = null, quarantineReason: string | null = null): Receipt =>
  ({ state, rank, errorCode, optOutReason: null, quarantineReason });
const nothing = (optOutReason: string | null = null): Receipt => ({ state: null, rank: 0, errorCode: null, optOutReason, quarantineReason: null });

// accepted, queued, sending (and statuses Twilio may add) prove nothing new.
const TWILIO = new Map<string, [ReceiptState, number]>([
  ['sent', ['sent', 1]],
  ['delivered', ['delivered', 2]],
  ['undelivered', ['undelivered', 2]],
  ['failed', ['failed', 2]],
]);

/** Callback error codes that say the number cannot take texts: 30005 unknown handset, 30006 landline or unreachable carrier. */
const TWILIO_BAD_NUMBER = new Set(['30005', '30006']);

/** A Twilio status callback (MessageStatus, ErrorCode). */
export function twilioReceipt(status: string, errorCode?: string | null): Receipt {
  const known = TWILIO.get(status);
  if (!known) return nothing();
  const code = errorCode || null;
  return proves(known[0], known[1], code, code !== null && TWILIO_BAD_NUMBER.has(code) ? `sms-twilio ${code}` : null);
}

export interface SendgridEventKind {
  event: string;
  /** For bounce events: 'bounce' (hard, the mailbox does not exist) or 'blocked' (refused this time). */
  type?: string | null;
  /** For bounce and dropped events: the SMTP status, e.g. 5.1.1. */
  status?: string | null;
  /** For dropped events: why SendGrid did not try, e.g. "Bounced Address", "Invalid". */
  reason?: string | null;
}

/** Dropped because the address is known bad; other drops (unsubscribed, spam reporter) are not the address's fault. */
const DROPPED_BAD_ADDRESS = new Set(['Bounced Address', 'Invalid']);

/** One SendGrid Event Webhook event; processed, deferred, opens and clicks prove nothing new. */
export function sendgridReceipt(e: SendgridEventKind): Receipt {
  switch (e.event) {
    case 'delivered': return proves('delivered', 2);
    // A hard bounce means the mailbox does not exist; 'blocked' was refused this time only.
    case 'bounce': return proves('bounced', 2, e.status || null, e.type === 'bounce' ? 'hard bounce' : null);
    case 'dropped': return proves('dropped', 2, e.status || null, e.reason && DROPPED_BAD_ADDRESS.has(e.reason) ? `dropped: ${e.reason}` : null);
    case 'spamreport': return nothing('spam report');
    case 'unsubscribe': return nothing('unsubscribe');
    case 'group_unsubscribe': return nothing('group unsubscribe');
    default: return nothing();
  }
}

/**
 * Where a receipt takes a delivery, or null when it must change nothing: a receipt ranked no
 * higher than the one already applied is a duplicate or arrived out of order, and a delivery
 * that failed or was skipped stays so. A pending or sending delivery does move: the receipt
 * proves the provider accepted it (the callback beat the accept being recorded, or the process
 * died after sending), and moving it stops a second send.
 */
export function advance(current: { state: DeliveryState; receiptRank: number }, receipt: Receipt): { state: ReceiptState; rank: number } | null {
  if (receipt.state === null || receipt.rank <= current.receiptRank) return null;
  if (current.state === 'failed' || current.state === 'skipped') return null;
  return { state: receipt.state, rank: receipt.rank };
}

export type SmsKeyword = 'opt-out' | 'opt-in' | 'help';

const KEYWORDS = new Map<string, SmsKeyword>([
  ...['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'CANCEL', 'REVOKE', 'OPTOUT'].map((k) => [k, 'opt-out'] as const),
  ...['START', 'UNSTOP', 'YES'].map((k) => [k, 'opt-in'] as const),
  ['HELP', 'help'],
]);

/** The consent keyword an inbound SMS is, when the whole body (trimmed, any case) is one. */
export function smsKeyword(body: string): SmsKeyword | null {
  return KEYWORDS.get(body.trim().toUpperCase()) ?? null;
}
