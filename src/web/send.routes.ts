import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { actorOf } from '../auth/user';
import { recordAudit } from '../audit/audit.repository';
import { CHANNELS } from '../channels/provider';
import { csvField } from '../contacts/contact-export';
import { AppError, fieldProblems } from '../errors';
import { componentKeys, toList } from '../form-list';
import { IMPACTS, INCIDENT_STATUSES, STATUS_LABELS } from '../incidents/incident';
import { getIncident, listUpdates } from '../incidents/incident.repository';
import { AUDIENCES, publishInput, type PublishInput } from '../incidents/publish';
import { previewUpdate, publishUpdate, type PublishContext, type PublishPreview } from '../incidents/publish.service';
import { VARIABLE_NAME } from '../scripts/variables';
import type { Database, DeliveryState } from '../store/schema';
import { principalOf, rules, type Access } from './access';
import { defaultScript, knownValues, sendableScripts } from '../scripts/sendable';
import { consolePage, type ConsoleContext } from './views/console.view';
import { incidentFollowup } from './views/followup.view';
import { incidentCommitments } from '../followup/commitment.repository';
import { getReview } from '../followup/review.repository';
import { html, when } from './views/html';
import { progressView, sendView, type ProgressRow, type SendFormState } from './views/send.view';

export interface SendRoutesDeps {
  db: Kysely<Database>;
  access: Access;
  brand: string;
  publishContext(actor: string): PublishContext;
  published(channels: string[]): void;
}

const list = (values: readonly [string, ...string[]], field: string) => z.preprocess(
  toList,
  z.array(z.enum(values, { error: `must be one of ${values.join(', ')}` }), { error: `${field} must be a list` }).max(50),
);
const optionalId = z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).max(2 ** 31).optional());

/** The notice form as posted: every field optional, so a half-filled form re-renders with what is missing. */
const sendForm = z.object({
  action: z.enum(['preview', 'send', 'choose'], { error: 'must be preview, send or choose' }).default('preview'),
  incidentId: optionalId,
  scriptVersionId: optionalId,
  status: z.enum(INCIDENT_STATUSES, { error: `must be one of ${INCIDENT_STATUSES.join(', ')}` }).optional(),
  reopen: z.enum(['true'], { error: 'must be true when given' }).optional(),
  drill: z.enum(['true'], { error: 'must be true when given' }).optional(),
  title: z.string().max(200, { error: 'must be at most 200 characters' }).default(''),
  impact: z.enum(IMPACTS, { error: `must be one of ${IMPACTS.join(', ')}` }).default('major'),
  failureType: z.string().max(100).default(''),
  components: componentKeys,
  audiences: list(AUDIENCES, 'audiences'),
  channels: list(CHANNELS, 'channels'),
});

const broadcastParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).max(2 ** 31, { error: 'is too large' }) });
const reportQuery = z.object({
  channel: z.enum(['', ...CHANNELS], { error: `must be one of ${CHANNELS.join(', ')}` }).optional(),
  state: z.enum(['', 'queued', 'sent', 'delivered', 'failed', 'skipped'], { error: 'must be queued, sent, delivered, failed or skipped' }).optional(),
});

const FAILED: DeliveryState[] = ['failed', 'undelivered', 'bounced', 'dropped'];
const STATE_GROUPS: Record<string, DeliveryState[]> = { queued: ['pending', 'sending'], sent: ['sent'], delivered: ['delivered'], failed: FAILED, skipped: ['skipped'] };

/** The owner's phone-first notice form, the live progress of a broadcast and its report. */
export function sendRoutes(deps: SendRoutesDeps): Router {
  const router = Router();
  const { access, db } = deps;
  const allow = access.allow;
  const ctx = (req: Request, res: Response): ConsoleContext => ({ brand: deps.brand, principal: principalOf(req), csrf: access.csrfToken(req, res) });

  async function formState(input: {
    scriptVersionId?: number; incidentId?: number; status?: string; reopen?: boolean; drill?: boolean; title?: string; impact?: string; failureType?: string;
    components?: string[]; audiences?: string[]; channels?: string[]; variables?: Record<string, string>; keepVariables?: boolean;
  }): Promise<SendFormState> {
    const scripts = await sendableScripts(db);
    const incident = input.incidentId === undefined ? undefined : await getIncident(db, input.incidentId);
    if (input.incidentId !== undefined && !incident) throw new AppError('not_found', `No incident ${input.incidentId}.`, [{ field: 'incidentId', message: 'no such incident' }]);
    const script = scripts.find((s) => s.versionId === input.scriptVersionId)
      ?? (incident ? scripts.find((s) => s.key === incident.status) : undefined) ?? defaultScript(scripts);
    const components = await db.selectFrom('components').select(['key', 'name']).orderBy('position').orderBy('id').execute();
    const failureTypes = await db.selectFrom('failure_types').select(['key', 'name']).orderBy('name').execute();
    const chosen = input.components ?? incident?.components ?? [];
    const known = await knownValues(db, script?.variables ?? [], {
      now: Date.now(), incidentId: incident?.id, componentNames: components.filter((c) => chosen.includes(c.key)).map((c) => c.name),
    });
    const variables = input.keepVariables ? { ...known, ...input.variables } : known;
    const service = variables.service ?? (chosen.length ? chosen.join(', ') : '');
    return {
      scripts, script, components, failureTypes,
      incident: incident && { id: incident.id, title: incident.title, status: incident.status },
      values: {
        title: input.title || (service ? `Problem with ${service}` : 'Service problem'),
        impact: input.impact ?? 'major', failureType: input.failureType ?? '',
        status: input.status ?? incident?.status ?? 'investigating',
        components: chosen, audiences: input.audiences ?? ['customers', 'resellers', 'team'],
        channels: input.channels ?? script?.channels ?? [], variables, reopen: input.reopen ?? false, drill: input.drill,
      },
      problems: [],
    };
  }

  router.get('/send', allow(rules.need('incidents:write')), async (req, res) => {
    const q = z.object({ incident: optionalId, script: optionalId }).safeParse(req.query);
    if (!q.success) throw new AppError('invalid_input', 'The link has invalid fields.', fieldProblems(q.error.issues));
    const state = await formState({ incidentId: q.data.incident, scriptVersionId: q.data.script });
    res.type('html').send(sendView(ctx(req, res), state));
  });

  router.post('/send', allow(rules.need('incidents:write')), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = sendForm.safeParse(body);
    const variables: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      const name = key.startsWith('var_') ? key.slice(4) : '';
      if (name && VARIABLE_NAME.test(name) && typeof value === 'string') variables[name] = value;
    }
    if (!parsed.success) {
      const state = await formState({ variables, keepVariables: true });
      state.problems = fieldProblems(parsed.error.issues);
      res.status(400).type('html').send(sendView(ctx(req, res), state));
      return;
    }
    const f = parsed.data;
    const state = await formState({ ...f, reopen: f.reopen === 'true', drill: f.drill === 'true', variables, keepVariables: f.action !== 'choose' });
    if (f.action === 'choose') {
      res.type('html').send(sendView(ctx(req, res), state));
      return;
    }
    const candidate = {
      ...(f.incidentId !== undefined ? { incidentId: f.incidentId } : {
        incident: { title: f.title, impact: f.impact, components: f.components, ...(f.failureType ? { failureType: f.failureType } : {}) },
      }),
      status: f.status ?? 'investigating', reopen: f.reopen === 'true' ? true : undefined, drill: f.drill === 'true' ? true : undefined, scriptVersionId: f.scriptVersionId ?? 0,
      variables: state.values.variables, audiences: f.audiences, channels: f.channels,
    };
    const input = publishInput.safeParse(candidate);
    const show = (status: number, extra: Partial<SendFormState>) => res.status(status).type('html').send(sendView(ctx(req, res), { ...state, ...extra }));
    if (!input.success) return show(400, { problems: fieldProblems(input.error.issues) });
    const context = deps.publishContext(actorOf(principalOf(req)));
    try {
      if (f.action === 'preview') {
        const preview: PublishPreview = await previewUpdate(db, input.data as PublishInput, context);
        return show(200, { preview });
      }
      const result = await publishUpdate(db, input.data as PublishInput, context);
      deps.published(input.data.channels);
      res.redirect(303, `/console/broadcasts/${result.broadcastId}`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return show(err.status, { problems: err.details.length > 0 ? err.details : [{ field: '(form)', message: err.message }] });
    }
  });

  async function progress(id: number) {
    const broadcast = await db.selectFrom('broadcasts').innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
      .innerJoin('incidents', 'incidents.id', 'incident_updates.incident_id')
      .select(['broadcasts.id', 'broadcasts.channels', 'incidents.title', 'incident_updates.status']).where('broadcasts.id', '=', id).executeTakeFirst();
    if (!broadcast) throw new AppError('not_found', `No broadcast ${id}.`, [{ field: 'id', message: 'no broadcast with this id' }]);
    const counts = await db.selectFrom('deliveries').select(['channel', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('broadcast_id', '=', id).groupBy(['channel', 'state']).execute();
    const channels = JSON.parse(broadcast.channels) as string[];
    const rows: ProgressRow[] = channels.map((channel) => {
      const n = (states: readonly string[]) => counts.filter((c) => c.channel === channel && states.includes(c.state)).reduce((a, c) => a + Number(c.n), 0);
      const row = { channel, queued: n(STATE_GROUPS.queued as DeliveryState[]), sent: n(['sent']), delivered: n(['delivered']), failed: n(FAILED), skipped: n(['skipped']) };
      return { ...row, total: row.queued + row.sent + row.delivered + row.failed + row.skipped };
    });
    return { id, incidentTitle: broadcast.title, status: broadcast.status, rows, done: rows.every((r) => r.queued === 0), canRetry: rows.some((r) => r.failed > 0) };
  }

  router.get('/incidents/:id', allow(rules.need('incidents:read')), async (req, res) => {
    const { id } = broadcastParam.parse(req.params);
    const incident = await getIncident(db, id);
    if (!incident) throw new AppError('not_found', `No incident ${id}.`, [{ field: 'id', message: 'no incident with this id' }]);
    const updates = (await listUpdates(db, id, { internal: true })).reverse();
    const broadcasts = updates.length === 0 ? [] : await db.selectFrom('broadcasts').select(['id', 'update_id']).where('update_id', 'in', updates.map((u) => u.id)).execute();
    const canSend = principalOf(req).role !== 'staff';
    res.type('html').send(consolePage(ctx(req, res), incident.title, html`
${incident.drill ? html`<p><span class="badge drill">DRILL</span> A rehearsal: it reached the team only and is not on the status page.</p>` : ''}
<p>${STATUS_LABELS[incident.status]} · impact ${incident.impact}${incident.components.length > 0 ? ` · ${incident.components.join(', ')}` : ''}</p>
<p class="muted">Started <time datetime="${new Date(incident.startedAt).toISOString()}">${when(incident.startedAt)}</time>${incident.resolvedAt !== null ? ` · closed ${when(incident.resolvedAt)}` : ''}</p>
${canSend ? html`<p><a class="button" href="/console/send?incident=${incident.id}">Post an update</a></p>` : ''}
<h2>Timeline</h2>
${updates.map((u) => {
    const page = (u.rendered as { page?: { title?: string; body?: string } }).page;
    const b = broadcasts.find((x) => x.update_id === u.id);
    return html`<article class="timeline" data-update="${u.id}"><h3>${STATUS_LABELS[u.status]}${u.internal ? html` <span class="badge">team only</span>` : ''}</h3>
<p class="muted">${when(u.createdAt)} · by ${u.createdBy} · script version ${u.scriptVersionId}${b ? html` · <a href="/console/broadcasts/${b.id}">broadcast ${b.id}</a>` : ''}</p>
${page?.title ? html`<p><strong>${page.title}</strong></p>` : ''}<pre>${page?.body ?? ''}</pre></article>`;
  })}
${incidentFollowup(ctx(req, res), incident, await incidentCommitments(db, id), {
    members: await db.selectFrom('team_members').select(['id', 'name']).orderBy('name').execute(), review: await getReview(db, id), now: Date.now(),
  })}`));
  });

  router.get('/broadcasts/:id', allow(rules.need('incidents:read')), async (req, res) => {
    const { id } = broadcastParam.parse(req.params);
    const p = await progress(id);
    const view = progressView(ctx(req, res), { ...p, canRetry: p.canRetry && principalOf(req).role !== 'staff', canReport: principalOf(req).role !== 'staff' }, !p.done);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(view);
  });

  async function report(req: Request) {
    const { id } = broadcastParam.parse(req.params);
    const q = reportQuery.parse(req.query);
    await progress(id);
    let query = db.selectFrom('deliveries').select(['id', 'channel', 'address', 'state', 'skip_reason', 'attempts', 'provider', 'error_code', 'last_error', 'updated_at'])
      .where('broadcast_id', '=', id).orderBy('id');
    if (q.channel) query = query.where('channel', '=', q.channel);
    if (q.state) query = query.where('state', 'in', STATE_GROUPS[q.state] as DeliveryState[]);
    return { id, filter: q, rows: await query.execute() };
  }

  // Who got what is contact data: comms and owners, not the read-only desk.
  router.get('/broadcasts/:id/deliveries', allow(rules.need('contacts:write')), async (req, res) => {
    const r = await report(req);
    const shown = r.rows.slice(0, 500);
    res.type('html').send(consolePage(ctx(req, res), `Broadcast ${r.id}: recipients`, html`
<form method="get" class="stack"><label>Channel<select name="channel"><option value="">all</option>${CHANNELS.map((c) => html`<option value="${c}"${c === r.filter.channel ? html` selected` : ''}>${c}</option>`)}</select></label>
<label>State<select name="state"><option value="">all</option>${Object.keys(STATE_GROUPS).map((s) => html`<option value="${s}"${s === r.filter.state ? html` selected` : ''}>${s}</option>`)}</select></label>
<button type="submit" class="secondary">Filter</button></form>
<p class="muted">${r.rows.length} recipients${r.rows.length > shown.length ? `, first ${shown.length} shown; the CSV has all` : ''}.</p>
<table><thead><tr><th>Channel</th><th>Address</th><th>State</th><th>Why / error</th><th>Attempts</th></tr></thead><tbody>
${shown.map((d) => html`<tr><td>${d.channel}</td><td>${d.address}</td><td>${d.state}</td><td>${d.skip_reason ?? d.last_error ?? ''}</td><td>${d.attempts}</td></tr>`)}
</tbody></table>
<p><a href="/console/broadcasts/${r.id}">Back to progress</a></p>`));
  });

  router.get('/broadcasts/:id/deliveries.csv', allow(rules.need('contacts:write')), async (req, res) => {
    const r = await report(req);
    const cell = (v: unknown) => csvField(v === null || v === undefined ? '' : String(v));
    const lines = [['channel', 'address', 'state', 'reason', 'error_code', 'attempts', 'provider', 'updated_at'].join(',')];
    for (const d of r.rows) lines.push([d.channel, d.address, d.state, d.skip_reason ?? d.last_error, d.error_code, d.attempts, d.provider, new Date(d.updated_at).toISOString()].map(cell).join(','));
    res.setHeader('Content-Disposition', `attachment; filename="broadcast-${r.id}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/csv').send(`${lines.join('\r\n')}\r\n`);
  });

  router.post('/broadcasts/:id/retry', allow(rules.need('incidents:write')), async (req, res) => {
    const { id } = broadcastParam.parse(req.params);
    await progress(id);
    const now = Date.now();
    const retried = await db.transaction().execute(async (tx) => {
      const rows = await tx.updateTable('deliveries')
        .set({ state: 'pending', attempts: 0, next_attempt_at: now, lease_owner: null, lease_until: null, error_code: null, last_error: null, updated_at: now })
        .where('broadcast_id', '=', id).where('state', 'in', FAILED).returning('channel').execute();
      if (rows.length > 0) await recordAudit(tx, { actor: actorOf(principalOf(req)), action: 'broadcast.retried', subject: `broadcast:${id}`, detail: { deliveries: rows.length }, at: now });
      await deps.publishContext(actorOf(principalOf(req))).enqueue?.(tx, rows.map((r) => r.channel));
      return rows;
    });
    deps.published([...new Set(retried.map((r) => r.channel))]);
    res.redirect(303, `/console/broadcasts/${id}`);
  });

  return router;
}
