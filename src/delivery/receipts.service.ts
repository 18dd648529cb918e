import type { Kysely, Transaction } from 'kysely';
import { optInAddress, optOutAddress } from '../contacts/opt-out.repository';
import { quarantineAddress } from '../contacts/quarantine.repository';
import type { Database } from '../store/schema';
import { getDelivery, type DeliveryRow } from './delivery.repository';
import { advance, sendgridReceipt, smsKeyword, twilioReceipt, type Receipt, type SendgridEventKind } from './receipts';

/**
 * Applies verified provider callbacks: each callback in one transaction, each event recorded
 * once in delivery_events (its dedupe_key is unique, so a repeat inserts nothing and changes
 * nothing), deliveries moved only forward, opt-outs mirrored onto the address.
 */

type Trx = Transaction<Database>;

/** What a receipt did to its delivery. */
export type ReceiptOutcome = 'advanced' | 'unchanged' | 'duplicate' | 'unknown-delivery';

export interface TwilioStatus {
  /** From the statusCallback URL Crier set; otherwise the delivery is found by MessageSid. */
  deliveryId?: number;
  messageSid: string;
  status: string;
  errorCode?: string;
  now: number;
}

export async function applyTwilioStatus(db: Kysely<Database>, s: TwilioStatus): Promise<ReceiptOutcome> {
  return db.transaction().execute(async (trx) => {
    const row = s.deliveryId !== undefined
      ? await getDelivery(trx, s.deliveryId)
      : await trx.selectFrom('deliveries').selectAll().where('provider_message_id', '=', s.messageSid).where('channel', '=', 'sms').orderBy('id').executeTakeFirst();
    const fresh = await recordEvents(trx, [{
      delivery_id: row?.id ?? null, dedupe_key: `twilio:${s.messageSid}:${s.status}`, source: 'twilio', event: s.status,
      detail: JSON.stringify({ messageSid: s.messageSid, status: s.status, errorCode: s.errorCode ?? null }), received_at: s.now,
    }]);
    if (fresh.size === 0) return 'duplicate';
    if (!row) return 'unknown-delivery';
    // A callback for another message of this delivery (an earlier attempt that timed out but went
    // out after all) is kept as an event but says nothing about the message recorded as sent.
    if (row.provider_message_id !== null && row.provider_message_id !== s.messageSid) return 'unchanged';
    const receipt = twilioReceipt(s.status, s.errorCode);
    if (receipt.quarantineReason) await quarantineAddress(trx, 'sms', row.address, receipt.quarantineReason, s.now);
    const moved = await advanceDelivery(trx, row, receipt, { provider: 'sms-twilio', messageId: s.messageSid }, s.now);
    return moved ? 'advanced' : 'unchanged';
  });
}

/** The fields of a SendGrid event Crier reads; delivery_id is the custom_arg Crier set. */
export interface SendgridEvent extends SendgridEventKind {
  email: string;
  timestamp: number;
  sg_event_id?: string;
  sg_message_id?: string;
  delivery_id?: number;
  reason?: string;
}

export interface EventsSummary {
  events: number;
  duplicates: number;
  advanced: number;
  /** Addresses opted out (a shared mailbox counts once per contact holding it). */
  optedOut: number;
  /** Addresses newly quarantined (hard bounces, drops of known-bad addresses). */
  quarantined: number;
}

export async function applySendgridEvents(db: Kysely<Database>, events: SendgridEvent[], now: number): Promise<EventsSummary> {
  return db.transaction().execute(async (trx) => {
    const deliveries = await deliveriesById(trx, events.flatMap((e) => (e.delivery_id === undefined ? [] : [e.delivery_id])));
    const keys = events.map(sendgridDedupeKey);
    const fresh = await recordEvents(trx, events.map((e, i) => ({
      delivery_id: e.delivery_id !== undefined && deliveries.has(e.delivery_id) ? e.delivery_id : null,
      dedupe_key: keys[i] as string, source: 'sendgrid', event: e.event, detail: JSON.stringify(e), received_at: now,
    })));
    const summary: EventsSummary = { events: events.length, duplicates: 0, advanced: 0, optedOut: 0, quarantined: 0 };
    for (const [i, e] of events.entries()) {
      // delete: the same key twice in one batch is a duplicate too.
      if (!fresh.delete(keys[i] as string)) {
        summary.duplicates += 1;
        continue;
      }
      const receipt = sendgridReceipt(e);
      if (receipt.optOutReason) summary.optedOut += await optOutAddress(trx, 'email', e.email, receipt.optOutReason, now);
      if (receipt.quarantineReason) summary.quarantined += await quarantineAddress(trx, 'email', e.email, receipt.quarantineReason, now);
      const row = e.delivery_id === undefined ? undefined : deliveries.get(e.delivery_id);
      if (!row) continue;
      // SendGrid's message id is X-Message-Id plus a suffix per recipient.
      const moved = await advanceDelivery(trx, row, receipt, { provider: 'email-sendgrid', messageId: e.sg_message_id?.split('.')[0] ?? null }, now);
      if (moved) {
        deliveries.set(row.id, moved);
        summary.advanced += 1;
      }
    }
    return summary;
  });
}

export function sendgridDedupeKey(e: SendgridEvent): string {
  return e.sg_event_id ? `sendgrid:${e.sg_event_id}` : `sendgrid:${e.delivery_id ?? e.email}:${e.event}:${e.timestamp}`;
}

export interface InboundResult {
  action: 'opted-out' | 'opted-in' | 'help' | 'none';
  /** Addresses whose consent changed. */
  addresses: number;
}

/** A text to Crier's number: consent keywords change consent; anything else is left alone. */
export async function applyInboundSms(db: Kysely<Database>, sms: { from: string; body: string; now: number }): Promise<InboundResult> {
  const keyword = smsKeyword(sms.body);
  if (keyword === 'opt-out') {
    return { action: 'opted-out', addresses: await db.transaction().execute((trx) => optOutAddress(trx, 'sms', sms.from, 'STOP', sms.now)) };
  }
  if (keyword === 'opt-in') {
    return { action: 'opted-in', addresses: await db.transaction().execute((trx) => optInAddress(trx, 'sms', sms.from, 'START', sms.now)) };
  }
  return { action: keyword === 'help' ? 'help' : 'none', addresses: 0 };
}

type EventRow = { delivery_id: number | null; dedupe_key: string; source: string; event: string; detail: string; received_at: number };

// Keeps each INSERT well under SQLite's bound-parameter limit.
const CHUNK = 500;

/** Inserts the events not seen before; returns the dedupe keys that were new. */
async function recordEvents(trx: Trx, rows: EventRow[]): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const inserted = await trx
      .insertInto('delivery_events')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('dedupe_key')
      .execute();
    for (const r of inserted) fresh.add(r.dedupe_key);
  }
  return fresh;
}

async function deliveriesById(trx: Trx, ids: number[]): Promise<Map<number, DeliveryRow>> {
  const unique = [...new Set(ids)];
  const found = new Map<number, DeliveryRow>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await trx.selectFrom('deliveries').selectAll().where('id', 'in', unique.slice(i, i + CHUNK)).execute();
    for (const r of rows) found.set(r.id, r);
  }
  return found;
}

/**
 * Moves the delivery as the receipt says, as a compare-and-set on (state, receipt_rank): when a
 * concurrent callback for the same delivery got there first, the row is read again and the
 * decision made afresh, so two callbacks racing can never move a delivery backwards.
 */
async function advanceDelivery(trx: Trx, row: DeliveryRow, receipt: Receipt, carrier: { provider: string; messageId: string | null }, now: number): Promise<DeliveryRow | null> {
  let current: DeliveryRow | undefined = row;
  while (current) {
    const next = advance({ state: current.state, receiptRank: current.receipt_rank }, receipt);
    if (!next) return null;
    const inFlight = current.state === 'pending' || current.state === 'sending';
    const updated = await trx
      .updateTable('deliveries')
      .set({
        state: next.state, receipt_rank: next.rank, updated_at: now,
        ...(receipt.errorCode === null ? {} : { error_code: receipt.errorCode }),
        // The receipt is the accept the lane did not get to record.
        ...(inFlight ? {
          provider: carrier.provider, provider_message_id: current.provider_message_id ?? carrier.messageId,
          sent_at: current.sent_at ?? now, lease_owner: null, lease_until: null,
        } : {}),
      })
      .where('id', '=', current.id)
      .where('state', '=', current.state)
      .where('receipt_rank', '=', current.receipt_rank)
      .returningAll()
      .executeTakeFirst();
    if (updated) return updated;
    current = await getDelivery(trx, current.id);
  }
  return null;
}
