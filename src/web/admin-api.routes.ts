import express, { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Accounts } from '../auth/accounts.service';
import { roleSchema } from '../auth/roles';
import { actorOf } from '../auth/user';
import { AppError } from '../errors';
import { importFileText } from '../import/import-file.service';
import { directoryShape } from '../import/import-schema';
import type { Database } from '../store/schema';
import { principalOf, rules, type Allow } from './access';
import { assertNoNul } from './nul-guard';
import { doc } from './openapi/api-doc';

export interface AdminApiDeps {
  db: Kysely<Database>;
  accounts: Accounts;
  allow: Allow;
  publicUrl(): string;
  defaultPhoneCountry: string;
}

const email = z.string({ error: 'is required' }).trim().pipe(z.email({ error: 'must be an email address' }).max(254, { error: 'must be at most 254 characters' }));
const name = z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' });
const newPassword = z.string({ error: 'must be text' }).min(12, { error: 'must be at least 12 characters' }).max(256, { error: 'must be at most 256 characters' });
const userBody = z.object({ email, role: roleSchema, name: name.optional(), password: newPassword.optional() });
const tokenBody = z.object({ name: name.max(80, { error: 'must be at most 80 characters' }), role: roleSchema });

/**
 * People, tokens and contact imports over JSON, for `crier --url` and other automation, with
 * the console's permissions. A new user with a password is created at once; without one the
 * answer is an invitation link. A token's secret is in the answer once and never again.
 */
export function adminApiRoutes(deps: AdminApiDeps): Router {
  const router = Router();
  const { allow, accounts } = deps;

  router.post('/users', allow(rules.need('users:manage')), doc({ tag: 'people', summary: 'Add a person: with a password the account is made at once, without one the answer is an invitation link', body: userBody }), async (req, res) => {
    const body = userBody.parse(req.body ?? {});
    const actor = principalOf(req);
    if (body.password !== undefined) {
      const user = await accounts.createUser(actor, { email: body.email, role: body.role, name: body.name ?? body.email.split('@')[0] as string, password: body.password });
      res.status(201).json({ kind: 'user', id: user.id, email: user.email, role: user.role });
      return;
    }
    const { token, expiresAt } = await accounts.invite(actor, { email: body.email, role: body.role });
    res.status(201).json({ kind: 'invitation', email: body.email.toLowerCase(), role: body.role, url: `${deps.publicUrl()}/invite/${token}`, expiresAt });
  });

  router.post('/tokens', allow(rules.need('tokens:manage')), doc({ tag: 'people', summary: 'Create an API token with a role as its scope; its secret is in this answer only', body: tokenBody }), async (req, res) => {
    const { token, secret } = await accounts.createToken(principalOf(req), tokenBody.parse(req.body ?? {}));
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({ id: token.id, name: token.name, role: token.role, secret });
  });

  // A spreadsheet comes as text/csv (up to 5 MB); a directory file as JSON, within the API's JSON limit.
  router.post('/contacts/import', allow(rules.need('contacts:write')), doc({ tag: 'contacts', summary: 'Import contacts: a spreadsheet as text/csv, or a directory file as JSON (shown); good rows are kept, each bad one reported', body: directoryShape, success: { status: 200, description: 'What was added and updated, and every rejected row with its field and reason' } }), express.text({ type: 'text/csv', limit: '5mb' }), async (req, res) => {
    const csv = req.is('text/csv') !== false;
    if (!csv && req.is('application/json') === false) {
      throw new AppError('invalid_input', 'Send a contacts spreadsheet as text/csv or a directory file as application/json.', [{ field: 'content-type', message: 'must be text/csv or application/json' }]);
    }
    const text = csv ? String(req.body ?? '') : JSON.stringify(req.body ?? null);
    // The spreadsheet is parsed here, after the app-wide NUL check has run on an empty body.
    assertNoNul(text);
    const outcome = await importFileText(deps.db, { name: 'the uploaded file', text, format: csv ? 'csv' : 'directory' }, { defaultCountry: deps.defaultPhoneCountry, actor: actorOf(principalOf(req)) });
    res.json(outcome);
  });

  return router;
}
