import type { Transaction } from 'kysely';
import { COMMS_ROLES } from '../incidents/team-alert';
import { insertBroadcast, insertUpdate } from '../incidents/incident.repository';
import type { IncidentStatus } from '../incidents/incident';
import type { RenderedUpdate } from '../render';
import { renderEmail } from '../render/email';
import { renderSlack } from '../render/slack';
import { renderSms } from '../render/sms';
import { renderTeams } from '../render/teams';
import type { Database } from '../store/schema';

export interface NoticeContext {
  brand: string;
  statusPageUrl: string;
  now: number;
}

/** The plain notice as every channel's snapshot; it is no customer message, so no script renders it. */
function noticeSnapshot(url: string, reason: string, ctx: NoticeContext): RenderedUpdate {
  const subject = `${ctx.brand}: a webhook subscriber was disabled`;
  const body = `Crier stopped sending status updates to the webhook ${url} after repeated failed deliveries.\n\nLast error: ${reason}\n\nIt stays off until its owner sends a successful test from the manage page.`;
  const sms = renderSms(`${ctx.brand}: webhook ${url} disabled after repeated failed deliveries.`);
  return {
    page: { title: subject, body },
    email: renderEmail({ subject, bodyText: body, statusLabel: 'Action needed', brandName: ctx.brand, statusPageUrl: ctx.statusPageUrl }),
    sms: { text: sms.text, segments: sms.segments, encoding: sms.encoding },
    slack: renderSlack({ title: subject, body, statusLabel: 'Action needed', link: ctx.statusPageUrl }),
    x: { text: '', weightedLength: 0 },
    mastodon: { text: '', length: 0 },
    bluesky: { text: '', length: 0 },
    teams: renderTeams({ title: subject, body, statusLabel: 'Action needed', link: ctx.statusPageUrl }),
    phone: { talkingPoints: '', qa: [] },
    reseller: { text: '' },
  };
}

/**
 * Tells the roster's owners (the comms team when the roster names no owner) by email and SMS,
 * and the subscriber's contact email, that a webhook was disabled. It is written as a team-only
 * update of the incident whose delivery failed last, with its own broadcast, in the caller's
 * transaction: the outbox and its lanes carry it, so it is retried like any other message and
 * the incident's timeline shows it.
 */
export async function recordDisableNotice(
  trx: Transaction<Database>,
  failed: { broadcastId: number; url: string; reason: string; contactEmail: string | null },
  ctx: NoticeContext,
): Promise<number> {
  const source = await trx.selectFrom('broadcasts').innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
    .select(['incident_updates.incident_id', 'incident_updates.status', 'incident_updates.script_version_id'])
    .where('broadcasts.id', '=', failed.broadcastId).executeTakeFirstOrThrow();
  const members = await trx.selectFrom('team_members').select(['role', 'email', 'alt_email', 'phone']).orderBy('id').execute();
  const owners = members.filter((m) => m.role.toLowerCase() === 'owner');
  const told = owners.length > 0 ? owners : members.filter((m) => COMMS_ROLES.includes(m.role.toLowerCase()));
  const rows: ['email' | 'sms', string][] = told.flatMap((m) => [['email', m.email], ['email', m.alt_email], ['sms', m.phone]] as const)
    .filter((r): r is ['email' | 'sms', string] => Boolean(r[1]));
  if (failed.contactEmail) rows.push(['email', failed.contactEmail]);
  const update = await insertUpdate(trx, {
    incidentId: source.incident_id, status: source.status as IncidentStatus, scriptVersionId: source.script_version_id, variables: {},
    rendered: noticeSnapshot(failed.url, failed.reason, ctx), createdBy: 'system:webhook-health', now: ctx.now, internal: true,
  });
  const channels = [...new Set(rows.map(([c]) => c))];
  const broadcastId = await insertBroadcast(trx, { updateId: update.id, audiences: ['team'], channels, now: ctx.now });
  const seen = new Set<string>();
  const deliveries = rows.filter(([c, a]) => !seen.has(`${c} ${a}`) && seen.add(`${c} ${a}`)).map(([channel, address]) => ({
    broadcast_id: broadcastId, channel, contact_id: null, address, state: 'pending' as const, skip_reason: null,
    attempts: 0, next_attempt_at: ctx.now, receipt_rank: 0, updated_at: ctx.now, created_at: ctx.now,
  }));
  if (deliveries.length > 0) await trx.insertInto('deliveries').values(deliveries).execute();
  return broadcastId;
}
