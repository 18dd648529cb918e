import express, { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { validateTwilioSignature, verifySendgridSignature } from '../channels/webhook-signatures';
import { applyInboundSms, applySendgridEvents, applyTwilioStatus } from '../delivery/receipts.service';
import { deskIncidents } from '../desk/desk.service';
import { AppError } from '../errors';
import { parseSmsCommand } from '../hotline/sms-command';
import { handleSmsCommand, type SmsTriggerDeps } from '../hotline/sms-trigger.service';
import { messageReply } from '../hotline/twiml';
import { voiceResponse } from '../hotline/voice';
import type { Database } from '../store/schema';
import { rules, type Allow } from './access';
import { assertNoNul, refuseNul } from './nul-guard';

/**
 * Provider callbacks: Twilio status callbacks, inbound SMS (consent keywords and the SMS trigger)
 * and the voice hotline, SendGrid's Event Webhook. Each
 * route reads its own body (the signature covers what the vendor sent, not a re-serialised
 * copy) and checks the signature before reading anything else: without a configured secret, or
 * with a missing or wrong signature, the answer is 403 and nothing changes.
 */
export interface WebhookDeps {
  db: Kysely<Database>;
  twilioAuthToken?: string;
  /** SendGrid's verification key, base64 SPKI DER. */
  sendgridPublicKey?: string;
  /** The URL Twilio was given; Twilio signs it with the path and query. Read per request: it is known only once listening. */
  publicUrl: () => string;
  allow: Allow;
  now?: () => number;
  /** The SMS trigger (OUTAGE <PIN> …); without it, command texts are treated as any other text. */
  trigger?: SmsTriggerDeps;
  /** The name the voice hotline speaks. */
  brandName?: string;
}

// SendGrid signs each POST when it sends it; an older signature is a replay.
const SENDGRID_MAX_AGE_MS = 10 * 60 * 1000;
const HELP_TEXT = 'Status updates from Crier. Reply STOP to opt out, START to opt back in.';

const rowId = z.coerce.number().int().positive().max(2_147_483_647);
const statusQuery = z.object({ deliveryId: rowId.optional() });
const twilioStatus = z.object({
  MessageSid: z.string().min(1).max(64),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.string().max(16).optional(),
});
const inboundSms = z.object({ From: z.string().min(1).max(64), Body: z.string().max(1600).default(''), MessageSid: z.string().min(1).max(64).optional() });
const sendgridEvents = z.array(z.object({
  email: z.string(),
  event: z.string().min(1),
  timestamp: z.number().int().nonnegative(),
  sg_event_id: z.string().min(1).optional(),
  sg_message_id: z.string().optional(),
  delivery_id: rowId.optional(),
  type: z.string().optional(),
  status: z.string().optional(),
  reason: z.string().optional(),
}));

export function webhookRoutes(deps: WebhookDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const urlencoded = express.urlencoded({ extended: false, limit: '64kb' });
  const twilioSigned = requireTwilioSignature(deps.twilioAuthToken, () => deps.publicUrl().replace(/\/+$/, ''));

  router.post('/twilio/status', deps.allow(rules.exempt('Twilio request signature (X-Twilio-Signature)')), urlencoded, refuseNul, twilioSigned, async (req, res) => {
    const { deliveryId } = statusQuery.parse(req.query);
    const body = twilioStatus.parse(req.body);
    const outcome = await applyTwilioStatus(deps.db, {
      deliveryId, messageSid: body.MessageSid, status: body.MessageStatus, errorCode: body.ErrorCode || undefined, now: now(),
    });
    req.log.info({ deliveryId, status: body.MessageStatus, outcome }, 'twilio status callback');
    res.status(204).end();
  });

  router.post('/twilio/inbound', deps.allow(rules.exempt('Twilio request signature (X-Twilio-Signature)')), urlencoded, refuseNul, twilioSigned, async (req, res) => {
    const body = inboundSms.parse(req.body);
    const command = deps.trigger ? parseSmsCommand(body.Body) : null;
    if (command && deps.trigger) {
      // Without a MessageSid a replay could not be told from a new text.
      if (!body.MessageSid) throw new AppError('invalid_input', 'A command text needs its MessageSid.', [{ field: 'MessageSid', message: 'is required for a command' }]);
      const result = await handleSmsCommand(deps.db, deps.trigger, { from: body.From, messageSid: body.MessageSid, command, now: now() });
      // The body carries the PIN: only the outcome is logged.
      req.log.info({ action: 'command', verb: command.verb, outcome: result.outcome }, 'inbound sms');
      res.type('text/xml').send(messageReply(result.reply));
      return;
    }
    const result = await applyInboundSms(deps.db, { from: body.From, body: body.Body, now: now() });
    req.log.info(result, 'inbound sms');
    res.type('text/xml').send(messageReply(result.action === 'help' ? HELP_TEXT : null));
  });

  router.post('/twilio/voice', deps.allow(rules.exempt('Twilio request signature (X-Twilio-Signature)')), urlencoded, refuseNul, twilioSigned, async (_req, res) => {
    // A caller hears what the status page says: a draft nobody has announced is not read out.
    const incidents = (await deskIncidents(deps.db, { brandName: deps.brandName ?? 'Crier', statusPageUrl: `${deps.publicUrl().replace(/\/+$/, '')}/status` })).filter((i) => i.announced);
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/xml').send(voiceResponse(incidents, { brand: deps.brandName ?? 'Crier', actionPath: '/webhooks/twilio/voice' }));
  });

  router.post('/sendgrid/events', deps.allow(rules.exempt('SendGrid signed event webhook (ECDSA over timestamp and body)')), express.raw({ type: '*/*', limit: '5mb' }), requireSendgridSignature(deps.sendgridPublicKey, now), async (req, res) => {
    const parsed = parseJson(req.body as Buffer);
    assertNoNul(parsed);
    const events = sendgridEvents.parse(parsed);
    const summary = await applySendgridEvents(deps.db, events, now());
    req.log.info(summary, 'sendgrid events');
    res.status(200).json({ ok: true });
  });
  return router;
}

const forbidden = () => new AppError('forbidden', 'The webhook signature is missing or invalid.', [{ field: 'signature', message: 'missing or does not match the body' }]);

function requireTwilioSignature(authToken: string | undefined, publicUrl: () => string): RequestHandler {
  return (req, _res, next) => {
    const signature = req.get('X-Twilio-Signature');
    const params = formParams(req.body);
    if (!authToken || !signature || !params) throw forbidden();
    if (!validateTwilioSignature(authToken, publicUrl() + req.originalUrl, params, signature)) throw forbidden();
    next();
  };
}

/** The parsed form as Twilio signed it; a repeated field cannot be verified, so it is refused. */
function formParams(body: unknown): Record<string, string> | null {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null) return null;
  const entries = Object.entries(body);
  return entries.every(([, v]) => typeof v === 'string') ? Object.fromEntries(entries) : null;
}

function requireSendgridSignature(publicKey: string | undefined, now: () => number): RequestHandler {
  return (req, _res, next) => {
    const signature = req.get('X-Twilio-Email-Event-Webhook-Signature');
    const timestamp = req.get('X-Twilio-Email-Event-Webhook-Timestamp');
    if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
    if (!publicKey || !signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) throw forbidden();
    if (Math.abs(now() - Number(timestamp) * 1000) > SENDGRID_MAX_AGE_MS) throw new AppError('forbidden', 'The webhook timestamp is more than 10 minutes off.', [{ field: 'timestamp', message: 'more than 10 minutes from now' }]);
    if (!verifySendgridSignature(publicKey, timestamp, req.body as Buffer, signature)) throw forbidden();
    next();
  };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('invalid_input', 'The request body is not valid JSON: SendGrid posts a JSON array of events.', [{ field: '(body)', message: 'is not valid JSON' }]);
  }
}
