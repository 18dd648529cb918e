import { z } from 'zod';
import { IMPACTS, INCIDENT_STATUSES, type IncidentStatus } from '../incidents/incident';
import type { PublishInput, PublishResult } from '../incidents/publish';
import { audienceList, channelList, checkArgs, positiveId, variables, type OptionSpec } from './args';
import type { Backend, FollowResult } from './backend';
import { note, print, printJson, type Command, type Context } from './command';
import { CliError, EXIT, usageError } from './exit';
import { ProgressView, tally } from './progress';

/** `crier send`, `crier update` and `crier resolve`: one approved script, published, then followed until it settles. */
const OPTIONS: OptionSpec = {
  script: { type: 'string' }, var: { type: 'string', multiple: true }, audience: { type: 'string', multiple: true },
  channel: { type: 'string', multiple: true }, status: { type: 'string' }, wait: { type: 'string' },
};

const common = {
  script: z.string({ error: 'is required: the key of an approved script (crier scripts lists them)' }).regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'must be a script key such as investigating' }),
  var: variables,
  audience: audienceList,
  channel: channelList,
  status: z.enum(INCIDENT_STATUSES, { error: `must be one of ${INCIDENT_STATUSES.join(', ')}` }).optional(),
  wait: z.coerce.number({ error: 'must be a number of seconds' }).min(0, { error: 'must be 0 or more seconds' }).max(86_400, { error: 'must be at most 86400 seconds' }).default(600),
};
type Common = z.output<z.ZodObject<typeof common>>;

const sendArgs = z.object({
  ...common,
  title: z.string().trim().min(3, { error: 'must be at least 3 characters' }).max(200, { error: 'must be at most 200 characters' }).optional(),
  component: z.array(z.string()).default([]).transform((l) => l.flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean)),
  impact: z.enum(IMPACTS, { error: `must be one of ${IMPACTS.join(', ')}` }).default('major'),
  failureType: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
});
const followUpArgs = z.object({ ...common, incident: positiveId, reopen: z.boolean().optional() });
const resolveArgs = followUpArgs.extend({ script: common.script.default('resolved') });

async function versionOf(backend: Backend, key: string): Promise<{ id: number; situation: string }> {
  const scripts = await backend.scripts();
  const found = scripts.find((s) => s.key === key);
  if (!found) throw new CliError(EXIT.failed, `--script: there is no script "${key}" on ${backend.target}.`, [`approved scripts: ${scripts.filter((s) => s.versionId).map((s) => s.key).join(', ') || 'none'}`]);
  if (found.versionId === null) throw new CliError(EXIT.failed, `--script: "${key}" has no approved version; only an approved version can be broadcast.`);
  return { id: found.versionId, situation: found.situation };
}

/** The status an update takes: as given, else the phase its script is written for, else (a new incident) investigating. */
function statusFor(given: IncidentStatus | undefined, situation: string, opening: boolean): IncidentStatus {
  if (given) return given;
  if ((INCIDENT_STATUSES as readonly string[]).includes(situation)) return situation as IncidentStatus;
  if (opening) return 'investigating';
  throw usageError(`--status: is required, because the script is written for "${situation}", not for one phase`);
}

interface Publishing {
  build(versionId: number, status: IncidentStatus): PublishInput;
  /** A new incident opens as investigating when neither --status nor the script says otherwise. */
  opening?: boolean;
  fixedStatus?: IncidentStatus;
}

async function publishAndFollow(ctx: Context, args: Common, how: Publishing): Promise<number> {
  const backend = await ctx.backend();
  const version = await versionOf(backend, args.script);
  const input = how.build(version.id, how.fixedStatus ?? statusFor(args.status, version.situation, how.opening === true));
  const result = await backend.publish(input);
  if (!ctx.json) describe(ctx, input, result);
  const followed = args.wait > 0 ? await follow(ctx, backend, result, args.wait * 1000) : undefined;
  if (ctx.json) {
    printJson(ctx, { ...result, progress: followed && { settled: followed.settled, deliveredBy: followed.deliveredBy, channels: Object.fromEntries(input.channels.map((ch) => [ch, tally(followed.states[ch])])) } });
  } else if (args.wait === 0) {
    note(ctx, 'Not waiting (--wait 0): the deliveries are queued for the lanes of a running Crier.');
  } else if (followed && !followed.settled) {
    note(ctx, 'Stopped following before every delivery settled; the rest stay queued and a running Crier sends them (GET /api/broadcasts/:id/deliveries shows them).');
  }
  // Published is done: a non-zero exit here would tempt a script to send the update again.
  return EXIT.ok;
}

function describe(ctx: Context, input: PublishInput, r: PublishResult): void {
  print(ctx, `Published update ${r.updateId} of incident ${r.incidentId} (broadcast ${r.broadcastId}) to ${input.audiences.join(', ')} over ${input.channels.join(', ')}.`);
  for (const d of r.deliveries) print(ctx, `  ${d.channel.padEnd(6)} ${d.pending} to send, ${d.skipped} skipped`);
}

async function follow(ctx: Context, backend: Backend, r: PublishResult, timeoutMs: number): Promise<FollowResult | undefined> {
  const view = ctx.json ? undefined : new ProgressView(ctx.io.stderr, r.deliveries.map((d) => d.channel));
  let result: FollowResult;
  try {
    result = await backend.follow(r.broadcastId, { timeoutMs, signal: ctx.io.signal, onProgress: (s) => view?.update(s) });
  } catch (err) {
    // The update is out; losing sight of it is not a reason to report a failure (see below).
    note(ctx, `Published, but following the broadcast failed: ${(err as Error).message}`);
    return undefined;
  }
  if (!ctx.json && result.settled) note(ctx, `Every delivery settled (${BY[result.deliveredBy](backend.target)}).`);
  return result;
}

const BY: Record<FollowResult['deliveredBy'], (target: string) => string> = {
  cli: () => 'sent from this process: no running Crier claimed them',
  service: () => 'sent by the running Crier',
  remote: (target) => `sent by ${target}`,
  none: () => 'nothing to send: every address was skipped',
};

const SHARED_USAGE = '--var name=value ... --audience customers,resellers,team --channel email,sms,slack,x [--wait seconds]';

export const sendCommand: Command = {
  name: 'send', summary: 'open an incident and broadcast an approved script', options: { ...OPTIONS, title: { type: 'string' }, component: { type: 'string', multiple: true }, impact: { type: 'string' }, 'failure-type': { type: 'string' } },
  usage: `crier send --script <key> ${SHARED_USAGE} [--title text] [--component key,...] [--impact none|minor|major|critical] [--failure-type key] [--status status]`,
  async run({ values }, ctx) {
    const args = checkArgs(sendArgs, { ...values, failureType: values['failure-type'] });
    const title = args.title ?? (args.var.service ? `Problem with ${args.var.service}` : undefined);
    if (!title) throw usageError('--title: is required for a new incident (or give --var service=... to title it "Problem with <service>")');
    return publishAndFollow(ctx, args, {
      opening: true,
      build: (scriptVersionId, status) => ({
        incident: { title, impact: args.impact, components: args.component, failureType: args.failureType },
        status, scriptVersionId, variables: args.var, audiences: args.audience, channels: args.channel,
      }),
    });
  },
};

export const updateCommand: Command = {
  name: 'update', positional: 'incident', summary: 'post a follow-up update to an open incident', options: { ...OPTIONS, reopen: { type: 'boolean' } },
  usage: `crier update <incident> --script <key> ${SHARED_USAGE} [--status status] [--reopen]`,
  async run({ values, positionals }, ctx) {
    const args = checkArgs(followUpArgs, { ...values, incident: positionals[0] }, ['incident']);
    return publishAndFollow(ctx, args, {
      build: (scriptVersionId, status) => ({
        incidentId: args.incident, status, reopen: args.reopen, scriptVersionId, variables: args.var, audiences: args.audience, channels: args.channel,
      }),
    });
  },
};

export const resolveCommand: Command = {
  name: 'resolve', positional: 'incident', summary: 'resolve an incident with an approved script (resolved by default)', options: OPTIONS,
  usage: `crier resolve <incident> [--script resolved] ${SHARED_USAGE}`,
  async run({ values, positionals }, ctx) {
    const args = checkArgs(resolveArgs, { ...values, incident: positionals[0] }, ['incident']);
    if (args.status && args.status !== 'resolved') throw usageError('--status: resolve always sets resolved; use crier update for another status');
    return publishAndFollow(ctx, args, {
      fixedStatus: 'resolved',
      build: (scriptVersionId) => ({
        incidentId: args.incident, status: 'resolved', scriptVersionId, variables: args.var, audiences: args.audience, channels: args.channel,
      }),
    });
  },
};
