import { z } from 'zod';
import { roleSchema } from '../auth/roles';
import { checkArgs } from './args';
import { note, print, printJson, type Command, type Context } from './command';
import { usageError } from './exit';

/**
 * `crier user add` and `crier token create`. A password is never an argument (the process list
 * shows arguments to everyone on the host): it is piped in (`--password-stdin`) or named by an
 * environment variable (`--password-env NAME`); without either, the person gets an invitation
 * link and chooses their own.
 */
const userArgs = z.object({
  email: z.email({ error: 'must be an email address' }).max(254, { error: 'must be at most 254 characters' }),
  role: roleSchema,
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }).optional(),
  passwordStdin: z.boolean().default(false),
  passwordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be the name of an environment variable' }).optional(),
}).refine((a) => !(a.passwordStdin && a.passwordEnv), { path: ['passwordEnv'], error: 'give --password-stdin or --password-env, not both' });

const password = z.string().min(12, { error: 'must be at least 12 characters' }).max(256, { error: 'must be at most 256 characters' });

async function readPassword(ctx: Context, args: z.output<typeof userArgs>): Promise<string | undefined> {
  let given: string | undefined;
  let source = '';
  if (args.passwordStdin) {
    given = (await ctx.io.readStdin()).split(/\r?\n/)[0] ?? '';
    source = '--password-stdin';
  } else if (args.passwordEnv) {
    given = ctx.io.env[args.passwordEnv];
    source = '--password-env';
    if (given === undefined) throw usageError(`--password-env: the environment has no ${args.passwordEnv}`);
  }
  if (given === undefined) return undefined;
  const checked = password.safeParse(given);
  if (!checked.success) throw usageError(`${source}: the password ${checked.error.issues[0]?.message ?? 'is not valid'}`);
  return checked.data;
}

export const userCommand: Command = {
  name: 'user', positional: 'action', summary: 'add a person: an invitation link, or an account with a password from stdin or the environment',
  options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' }, 'password-env': { type: 'string' } },
  usage: 'crier user add --email <address> --role owner|comms|staff [--name text] [--password-stdin | --password-env NAME]',
  async run({ values, positionals }, ctx) {
    checkArgs(z.object({ action: z.literal('add', { error: 'must be add' }) }), { action: positionals[0] }, ['action']);
    const args = checkArgs(userArgs, { ...values, passwordStdin: values['password-stdin'], passwordEnv: values['password-env'] });
    const pass = await readPassword(ctx, args);
    const made = await (await ctx.backend()).addAccount({ email: args.email, role: args.role, name: args.name ?? args.email.split('@')[0] as string, password: pass });
    if (ctx.json) printJson(ctx, made);
    else if (made.kind === 'user') print(ctx, `Created ${made.email} (${made.role}, user ${made.id}); they can sign in now.`);
    else print(ctx, `Invitation for ${made.email} (${made.role}), valid until ${new Date(made.expiresAt).toISOString()}:\n\n  ${made.url}\n`);
    return 0;
  },
};

export const tokenCommand: Command = {
  name: 'token', positional: 'action', summary: 'create an API token (shown once)', options: { name: { type: 'string' }, role: { type: 'string' } },
  usage: 'crier token create --name <text> --role owner|comms|staff',
  async run({ values, positionals }, ctx) {
    checkArgs(z.object({ action: z.literal('create', { error: 'must be create' }) }), { action: positionals[0] }, ['action']);
    const args = checkArgs(z.object({
      name: z.string({ error: 'is required: what the token is for, such as "status-page cron"' }).trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
      role: roleSchema,
    }), values);
    const created = await (await ctx.backend()).createToken(args);
    if (ctx.json) {
      printJson(ctx, created);
      return 0;
    }
    note(ctx, `Token ${created.id} "${created.name}" (${created.role}). It is shown this once and stored only as a digest; keep it somewhere safe:`);
    print(ctx, created.secret);
    return 0;
  },
};
