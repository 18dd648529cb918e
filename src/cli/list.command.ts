import { z } from 'zod';
import { checkArgs } from './args';
import { print, printJson, type Command } from './command';

/** `crier scripts` and `crier incidents`: what can be sent, and what is going on. */
export const scriptsCommand: Command = {
  name: 'scripts', summary: 'list the scripts and the version of each that can be broadcast', options: { all: { type: 'boolean' } },
  usage: 'crier scripts [--all]',
  async run({ values }, ctx) {
    const { all } = checkArgs(z.object({ all: z.boolean().default(false) }), values);
    const scripts = (await (await ctx.backend()).scripts()).filter((s) => all || s.versionId !== null);
    if (ctx.json) {
      printJson(ctx, { scripts });
      return 0;
    }
    if (scripts.length === 0) print(ctx, all ? 'No scripts.' : 'No approved scripts (crier scripts --all lists drafts too).');
    for (const s of scripts) {
      const vars = s.variables.map((v) => (v.required ? v.name : `${v.name}?`)).join(' ');
      print(ctx, `${s.key.padEnd(24)} ${s.versionId === null ? 'no approved version' : `v${s.version} (version id ${s.versionId})`}  ${s.situation}  ${vars}`);
    }
    return 0;
  },
};

export const incidentsCommand: Command = {
  name: 'incidents', summary: 'list recent incidents (--open: only those not resolved)', options: { open: { type: 'boolean' } },
  usage: 'crier incidents [--open]',
  async run({ values }, ctx) {
    const { open } = checkArgs(z.object({ open: z.boolean().default(false) }), values);
    const incidents = await (await ctx.backend()).incidents({ open });
    if (ctx.json) {
      printJson(ctx, { incidents });
      return 0;
    }
    if (incidents.length === 0) print(ctx, open ? 'No open incidents.' : 'No incidents.');
    for (const i of incidents) {
      print(ctx, `${String(i.id).padStart(5)}  ${i.status.padEnd(13)} ${new Date(i.startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC  ${i.title}${i.components.length ? `  [${i.components.join(', ')}]` : ''}`);
    }
    return 0;
  },
};
