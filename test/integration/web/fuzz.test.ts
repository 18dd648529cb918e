import http from 'node:http';
import fc from 'fast-check';
import { generateSendgridKeyPair, signTwilio } from '../../../src/channels/webhook-signatures';
import type { Principal } from '../../../src/auth/user';
import { unsubscribeToken } from '../../../src/subscriptions/unsubscribe-link';
import { confirmByToken, requestSubscription } from '../../../src/subscriptions/self-service';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DEFAULT_DIALECT } from '../../support/stores';
import { registeredRoutes } from '../../support/routes';
import { createAccount, PASSWORD, signedIn } from '../../support/session';
import { SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { SITUATIONS } from '../../../src/scripts/script';
import { createScript } from '../../../src/scripts/script.service';
import { DRAFT_FIELDS } from '../../../src/web/script-form';
import { buildDraft } from '../../support/factories';
import { createFailureType } from '../../../src/roster/failure-type.repository';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import { makePromise } from '../../../src/followup/commitment.service';
import { saveReview } from '../../../src/followup/review.service';

/**
 * Every endpoint that takes a body or a query gets at least 1,000 generated inputs: well-formed,
 * nearly well-formed and hostile. None may answer 5xx or leave an unhandled rejection, and every
 * refusal must name the field it refuses.
 */
const RUNS = 1000;
const SENDGRID = generateSendgridKeyPair();
const OWNER: Principal = { kind: 'user', id: 0, role: 'owner', label: 'fuzz', sessionId: '', csrfToken: '' };

type Body = { kind: 'form'; entries: [string, string][] } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; type: string };

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'owner', 'comms', 'staff', 'admin', 'a@example.com', 'A@EXAMPLE.COM ', PASSWORD, '<script>alert(1)</script>', "' OR 1=1 --", '__proto__', 'constructor', '%00', '\u0000', '9'.repeat(30), '-1', '1e309', 'null', '[]', '{}'),
  fc.string({ minLength: 250, maxLength: 1200 }),
);

/** A urlencoded form: the known fields (sometimes missing, repeated or odd) plus strangers. */
function form(fields: string[], valid: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<Body> {
  const known = fc.constantFrom(...fields, '_csrf', '__proto__', 'constructor', 'prototype');
  const entry = fc.tuple(fc.oneof(known, fc.string({ maxLength: 12 })), text);
  const validEntries = fc.record(Object.fromEntries(fields.map((f) => [f, valid[f] ?? text]))).map((r) => Object.entries(r));
  return fc.tuple(fc.oneof(validEntries, fc.constant([] as [string, string][])), fc.array(entry, { maxLength: 8 }))
    .map(([a, b]) => ({ kind: 'form' as const, entries: [...a, ...b] }));
}

const validUpdate = (scriptVersionId: number) => ({
  incident: { title: 'Checkout failing', impact: 'major', components: [] }, status: 'investigating', scriptVersionId,
  variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email'],
});

/** JSON near a valid publish request: any field replaced with anything, plus raw garbage. */
function updateBodies(scriptVersionId: number): fc.Arbitrary<Body> {
  return nearJson(validUpdate(scriptVersionId), ['incident.title', 'incident.impact', 'incident.components', 'variables.service']);
}

/** JSON near a valid body: one field (or one nested field) replaced or dropped, plus anything at all. */
function nearJson(base: Record<string, unknown>, nested: string[] = []): fc.Arbitrary<Body> {
  const mutated = fc.record({
    field: fc.constantFrom(...Object.keys(base), ...nested, 'extra'),
    value: fc.jsonValue({ maxDepth: 3 }),
    drop: fc.boolean(),
  }).map(({ field, value, drop }) => {
    const copy = structuredClone(base);
    const [top, sub] = field.split('.') as [string, string | undefined];
    const holder = sub && copy[top] && typeof copy[top] === 'object' ? (copy[top] as Record<string, unknown>) : copy;
    holder[sub ?? top] = drop ? undefined : value;
    return { kind: 'json' as const, value: copy };
  });
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((t) => ({ kind: 'raw' as const, text: t, type: 'application/json' })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'json' as const, value: base }) },
  );
}

function sendgridBodies(): fc.Arbitrary<Body> {
  const event = fc.record({
    email: fc.oneof(fc.emailAddress(), text), timestamp: fc.oneof(fc.integer(), fc.double(), text), event: fc.oneof(fc.constantFrom('delivered', 'bounce', 'dropped', 'open'), text),
    sg_event_id: text, delivery_id: fc.oneof(fc.integer(), text),
  }, { requiredKeys: [] });
  return fc.oneof(
    fc.array(event, { maxLength: 5 }).map((value) => ({ kind: 'json' as const, value })),
    fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })),
    fc.string({ maxLength: 200 }).map((t) => ({ kind: 'raw' as const, text: t, type: 'application/json' })),
  );
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** A plain keep-alive request: lighter than fetch, so the thousands of inputs cost less CPU. */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Target {
  method: 'GET' | 'POST';
  path: string;
  bodies: fc.Arbitrary<Body>;
  /** Headers for one request, given the encoded body (signatures, cookies, tokens). */
  headers(encoded: string, body: Body): Promise<Record<string, string>> | Record<string, string>;
}

describe('generated input on every endpoint', () => {
  let t: TestCrier;
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => { unhandled.push(err); };
  const targets: Record<string, Target> = {};
  const subscriptionTokens = { confirm: '', manage: '' };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    t = await startTestCrier(DEFAULT_DIALECT, {
      recipients: 2,
      env: { SENDGRID_WEBHOOK_PUBLIC_KEY: SENDGRID.publicKeyBase64 },
      overrides: { rateLimits: { login: 1e9, publicForms: 1e9, api: 1e9 }, sleep: async () => undefined },
    });
    const url = t.crier.url();
    const owner = await signedIn(t.store, url, 'owner');
    const ownerCookie = () => ({ cookie: owner.cookieHeader, 'x-csrf-token': owner.csrf });
    const anonymous = await signedIn(t.store, url, 'staff');
    await anonymous.request('POST', '/logout', { form: { _csrf: anonymous.csrf } });
    await anonymous.page('/login');
    const { secret } = await t.crier.accounts.createToken(OWNER, { name: 'fuzz', role: 'comms' });
    const target = await createAccount(t.store, 'staff');
    const leaver = await createAccount(t.store, 'staff');
    const tokenId = (await t.crier.accounts.createToken(OWNER, { name: 'target', role: 'staff' })).token.id;
    const { token: inviteToken } = await t.crier.accounts.invite(OWNER, { email: 'fuzz-invitee@example.com', role: 'staff' });
    const { broadcastId } = await t.publish({ channels: ['email'] });
    const unsubscribe = unsubscribeToken(t.crier.config.SECRET_KEY as string, { channel: 'email', address: t.audience.email[0] as string });
    const twilioToken = t.sandbox.twilio.authToken;
    const formCsrf = (body: Body): Record<string, string> => (body.kind === 'form' && body.entries.some(([k]) => k === '_csrf') ? {} : { 'x-csrf-token': anonymous.csrf });
    const twilio = (path: string) => (encoded: string, body: Body) => {
      const params = Object.fromEntries(body.kind === 'form' ? body.entries : []);
      const unique = body.kind === 'form' && new Set(body.entries.map(([k]) => k)).size === body.entries.length;
      return { 'x-twilio-signature': unique ? signTwilio(twilioToken, url + path, params) : 'bogus' , 'x-encoded-length': String(encoded.length) };
    };

    /** `at` is the concrete path to call, when the route's :id is not a user's. */
    const add = (method: 'GET' | 'POST', path: string, bodies: fc.Arbitrary<Body>, headers: Target['headers'], at = path) => {
      targets[`${method} ${path}`] = { method, path: at, bodies, headers };
    };
    const role = fc.constantFrom('owner', 'comms', 'staff');
    add('POST', '/login', form(['email', 'password', 'next'], { email: fc.constantFrom(target.email, 'nobody@example.com') }), (_e, b) => ({ cookie: anonymous.cookieHeader, ...formCsrf(b) }));
    add('POST', '/setup/:token', form(['name', 'email', 'password', 'confirm']), (_e, b) => ({ cookie: anonymous.cookieHeader, ...formCsrf(b) }));
    add('POST', '/invite/:token', form(['name', 'password', 'confirm']), (_e, b) => ({ cookie: anonymous.cookieHeader, ...formCsrf(b) }));
    add('POST', '/logout', form([]), async () => {
      const login = await t.crier.accounts.login(leaver.email, PASSWORD, '127.0.0.1');
      if (!login.ok) throw new Error('login failed');
      return { cookie: `crier_session=${login.cookie}`, 'x-csrf-token': login.session.csrfToken };
    });
    add('POST', '/console/users', form(['email', 'role'], { role }), ownerCookie);
    add('POST', '/console/users/:id/role', form(['role'], { role }), ownerCookie);
    add('POST', '/console/users/:id/unlock', form([]), ownerCookie);
    add('POST', '/console/users/:id/disable', form([]), ownerCookie);
    add('POST', '/console/users/:id/enable', form([]), ownerCookie);
    add('POST', '/console/tokens', form(['name', 'role'], { role }), ownerCookie);
    add('POST', '/console/tokens/:id/revoke', form([]), ownerCookie);
    const sendValid = {
      action: fc.constantFrom('preview', 'send', 'choose'), scriptVersionId: fc.constant(String(t.scriptVersionId)),
      status: fc.constantFrom('investigating', 'identified', 'resolved', 'scheduled'), impact: fc.constantFrom('minor', 'major', 'critical'),
      audiences: fc.constantFrom('customers', 'team', 'resellers'), channels: fc.constantFrom('email', 'sms', 'slack', 'x'),
      title: fc.string({ minLength: 3, maxLength: 60 }), var_service: fc.string({ maxLength: 30 }), var_summary: fc.string({ maxLength: 30 }), var_next_update: fc.constant('10:30 UTC'),
    };
    add('POST', '/console/send', form(['action', 'scriptVersionId', 'incidentId', 'status', 'reopen', 'title', 'impact', 'failureType', 'components', 'audiences', 'channels', 'var_service', 'var_summary', 'var_next_update'], sendValid), ownerCookie);
    add('POST', '/console/broadcasts/:id/retry', form([]), ownerCookie);
    add('GET', '/console/audit', form(['actor', 'action', 'subject', 'before']), ownerCookie);
    add('GET', '/api/audit', form(['actor', 'action', 'subject', 'before']), ownerCookie);
    add('POST', '/api/updates', updateBodies(t.scriptVersionId), () => ({ authorization: `Bearer ${secret}` }));
    const draft = buildDraft();
    const made = async (key: string) => {
      const { script, draft: version } = await createScript(t.store.db, { key, name: `Fuzz ${key}`, situation: 'investigating' }, 'user:fuzz', draft);
      return { scriptId: script.id, versionId: version?.id as number };
    };
    const consoleScript = await made('fuzz-console');
    const apiScript = await made('fuzz-api');
    const scriptBody = { key: 'fuzz-new', name: 'Fuzzed script', description: 'made by generated input', situation: 'investigating', failureTypeId: null, draft };
    add('POST', '/console/scripts', form(['key', 'name', 'situation', 'description'], { situation: fc.constantFrom(...SITUATIONS), key: fc.constantFrom('fuzz-form', 'Bad Key', 'fuzz-console') }), ownerCookie);
    add('POST', '/console/scripts/:id/draft', form([...DRAFT_FIELDS], { variables: fc.constantFrom('service | Ordering | what', 'x? | | y', 'bad name | z', '') }), ownerCookie, `/console/scripts/${consoleScript.scriptId}/draft`);
    add('POST', '/console/scripts/versions/:id/approve', form([]), ownerCookie, `/console/scripts/versions/${consoleScript.versionId}/approve`);
    add('POST', '/console/scripts/versions/:id/retire', form([]), ownerCookie, `/console/scripts/versions/${consoleScript.versionId}/retire`);
    add('GET', '/api/scripts', form(['state'], { state: fc.constantFrom('approved', 'draft', 'all', 'retired') }), ownerCookie);
    add('POST', '/api/scripts', nearJson(scriptBody, ['draft.sms', 'draft.variables', 'draft.phoneQa', 'draft.emailBody']), ownerCookie);
    add('POST', '/api/scripts/:id/draft', nearJson(draft, []), ownerCookie, `/api/scripts/${apiScript.scriptId}/draft`);
    add('POST', '/api/scripts/versions/:id/approve', nearJson({}), ownerCookie, `/api/scripts/versions/${apiScript.versionId}/approve`);
    add('POST', '/api/scripts/versions/:id/retire', nearJson({}), ownerCookie, `/api/scripts/versions/${apiScript.versionId}/retire`);
    const role2 = fc.constantFrom('owner', 'comms', 'staff', 'admin');
    add('POST', '/api/users', nearJson({ email: 'fuzz-api-user@example.com', role: 'staff', name: 'Fuzz', password: PASSWORD }), ownerCookie);
    add('POST', '/api/tokens', fc.oneof(nearJson({ name: 'fuzz', role: 'staff' }), fc.record({ name: text, role: role2 }).map((value) => ({ kind: 'json' as const, value }))), ownerCookie);
    const csvBodies = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.tuple(fc.constantFrom('key,name,email,phone', 'name,email', 'name,phone,consent', 'bogus'), fc.array(fc.tuple(text, fc.oneof(fc.emailAddress(), text), text), { maxLength: 4 }))
        .map(([header, rows]) => [header, ...rows.map((r) => r.map((c) => c.replace(/[\r\n]/g, ' ')).join(','))].join('\n')),
    ).map((t) => ({ kind: 'raw' as const, text: t, type: 'text/csv' }));
    add('POST', '/api/contacts/import', fc.oneof(csvBodies, nearJson({ contacts: [{ key: 'fuzz-imported', kind: 'customer', name: 'Fuzz', addresses: [{ channel: 'email', address: 'fuzz-imported@example.com' }] }] }, ['contacts'])), ownerCookie);
    const rosterMember = async (key: string) => (await createTeamMember(t.store.db, { key, name: `Fuzz ${key}`, role: 'technical responder', email: `${key}@example.com` })).id;
    const edited = await rosterMember('fuzz-edited');
    const removed = await rosterMember('fuzz-removed');
    const failureType = await createFailureType(t.store.db, { key: 'fuzz-failure', name: 'Fuzzed failure' });
    const rosterValid = {
      key: fc.constantFrom('fuzz-member', 'Bad Key', 'fuzz-edited'), role: fc.constantFrom('owner', 'comms lead', 'technical responder', 'sales', 'boss'),
      email: fc.oneof(fc.emailAddress(), fc.constantFrom('', 'not-an-email')), altEmail: fc.oneof(fc.emailAddress(), fc.constant('')),
      phone: fc.constantFrom('', '+1 201 555 0123', '(201) 555-0124', '555', '+44 20 7946 0018 ext. 2'), altPhone: fc.constantFrom('', '+1 201 555 0125', 'call me'),
      slack: fc.constantFrom('', 'U0EXAMPLE1', 'nobody'), isBackup: fc.constantFrom('on', 'off', 'yes'),
    };
    const memberFields = ['name', 'role', 'email', 'altEmail', 'phone', 'altPhone', 'slack', 'isBackup'];
    add('POST', '/console/roster/members', form(['key', ...memberFields], rosterValid), ownerCookie);
    add('POST', '/console/roster/members/:id', form(memberFields, rosterValid), ownerCookie, `/console/roster/members/${edited}`);
    add('POST', '/console/roster/members/:id/delete', form([]), ownerCookie, `/console/roster/members/${removed}/delete`);
    add('POST', '/console/roster/failure-types', form(['key', 'name', 'description'], { key: fc.constantFrom('fuzz-type', 'Bad Key', 'fuzz-failure') }), ownerCookie);
    add('POST', '/console/roster/failure-types/:id/responders', form(['responders'], { responders: fc.constantFrom(String(edited), String(removed), '', '0', '999999', 'x') }), ownerCookie, `/console/roster/failure-types/${failureType.id}/responders`);
    const monitorValid = {
      url: fc.constantFrom('http://127.0.0.1:9/health', 'http://127.0.0.1:9/other', 'ftp://x', 'http://169.254.169.254/', 'not a url'),
      intervalSeconds: fc.constantFrom('60', '5', 'x', '86401'), timeoutMs: fc.constantFrom('1000', '99', '70000'), expectedStatus: fc.constantFrom('200', '99', '600'),
      failuresToDown: fc.constantFrom('3', '0', '21'), autoNotice: fc.constantFrom('on', 'off', 'yes'), component: fc.constantFrom('', 'shop', 'Bad Key'),
    };
    const monitorFields = ['name', 'url', 'intervalSeconds', 'timeoutMs', 'expectedStatus', 'failuresToDown', 'component', 'failureType', 'autoNotice'];
    add('POST', '/console/monitors', form(monitorFields, monitorValid), ownerCookie);
    add('POST', '/api/monitors', nearJson({ name: 'Fuzzed site', url: 'http://127.0.0.1:9/health', intervalSeconds: 60, timeoutMs: 1000, expectedStatus: 200, failuresToDown: 3, autoNotice: false }), ownerCookie);
    const fuzzMonitor = async () => (await t.store.db.insertInto('monitors').values({ name: 'Fuzz', url: 'http://127.0.0.1:9/', interval_seconds: 60, timeout_ms: 1000, expected_status: 200, failures_to_down: 3, component_key: null, failure_type_id: null, auto_notice: 0, next_check_at: Date.now() + 86_400_000, created_by: 'fuzz', created_at: Date.now() }).returning('id').executeTakeFirstOrThrow()).id;
    add('POST', '/console/monitors/:id', form(monitorFields, monitorValid), ownerCookie, `/console/monitors/${await fuzzMonitor()}`);
    add('POST', '/api/monitors/:id', nearJson({ name: 'Fuzzed site', url: 'http://127.0.0.1:9/other', intervalSeconds: 120, timeoutMs: 1000, expectedStatus: 204, failuresToDown: 2, autoNotice: true }), ownerCookie, `/api/monitors/${await fuzzMonitor()}`);
    add('POST', '/console/monitors/:id/delete', form([]), ownerCookie, `/console/monitors/${await fuzzMonitor()}/delete`);
    add('POST', '/api/monitors/:id/delete', nearJson({}), ownerCookie, `/api/monitors/${await fuzzMonitor()}/delete`);
    add('POST', '/console/monitors/outages/:id/notice', form([]), ownerCookie, '/console/monitors/outages/999999/notice');
    add('POST', '/api/monitors/outages/:id/notice', nearJson({}), ownerCookie, '/api/monitors/outages/999999/notice');
    add('POST', '/console/drafts/:id/close', form([]), ownerCookie, '/console/drafts/999999/close');
    const problemValid = { category: fc.constantFrom('billing', '', ' Login ', 'x'.repeat(61)), customer: fc.constantFrom('', 'c0', 'nobody', 'Bad Key'), note: fc.string({ maxLength: 40 }) };
    add('POST', '/console/problems', form(['category', 'customer', 'note'], problemValid), ownerCookie);
    add('POST', '/api/problems', nearJson({ category: 'billing', customer: 'c0', note: 'Card declined twice' }), ownerCookie);
    const followUp = async () => {
      const opened = await t.publish({ channels: ['email'] });
      await t.publish({ incident: undefined, incidentId: opened.incidentId, status: 'resolved', channels: ['email'] });
      await saveReview(t.store.db, opened.incidentId, { whatHappened: 'It broke.', rootCause: '', fix: '', prevention: 'A test.', lessons: '' }, 'user:fuzz', Date.now());
      const owner = await rosterMember(`fuzz-promise-${opened.incidentId}`);
      const promiseId = (await makePromise(t.store.db, opened.incidentId, { what: 'Refund', toName: 'Ann', ownerId: owner, dueAt: Date.now() }, 'user:fuzz', Date.now())).id;
      return { incidentId: opened.incidentId, owner, promiseId };
    };
    const consoleFollowUp = await followUp();
    const apiFollowUp = await followUp();
    const reviewValid = { whatHappened: fc.string({ maxLength: 60 }), prevention: fc.string({ maxLength: 60 }) };
    const promiseValid = (owner: number) => ({ what: fc.string({ minLength: 3, maxLength: 40 }), ownerId: fc.constantFrom(String(owner), '0', '999999', 'x'), dueAt: fc.constantFrom('2026-12-01T15:00', '2026-12-01T15:00+02:00', 'soon', ''), toName: fc.string({ maxLength: 20 }), contactKey: fc.constantFrom('', 'nobody') });
    const publishValid = { scriptVersionId: fc.constantFrom(String(t.scriptVersionId), '0', 'x', '999999'), audiences: fc.constantFrom('customers', 'team', 'nobody'), channels: fc.constantFrom('email', 'sms', 'fax'), var_summary: fc.string({ maxLength: 30 }), var_next_update: fc.constant('10:30 UTC') };
    const incidentPath = (kind: 'console' | 'api', rest: string) => `/${kind}/incidents/${(kind === 'console' ? consoleFollowUp : apiFollowUp).incidentId}${rest}`;
    add('POST', '/console/incidents/:id/review', form(['whatHappened', 'rootCause', 'fix', 'prevention', 'lessons'], reviewValid), ownerCookie, incidentPath('console', '/review'));
    add('POST', '/console/incidents/:id/review/publish', form(['scriptVersionId', 'audiences', 'channels', 'var_summary', 'var_next_update'], publishValid), ownerCookie, incidentPath('console', '/review/publish'));
    add('POST', '/console/incidents/:id/promises', form(['what', 'contactKey', 'toName', 'ownerId', 'dueAt'], promiseValid(consoleFollowUp.owner)), ownerCookie, incidentPath('console', '/promises'));
    add('POST', '/console/promises/:id/kept', form(['notify'], { notify: fc.constantFrom('on', '', 'off') }), ownerCookie, `/console/promises/${consoleFollowUp.promiseId}/kept`);
    add('POST', '/api/incidents/:id/review', nearJson({ whatHappened: 'It broke.', rootCause: 'A bug.', fix: 'Reverted.', prevention: 'A test.', lessons: '' }), ownerCookie, incidentPath('api', '/review'));
    add('POST', '/api/incidents/:id/review/publish', nearJson({ scriptVersionId: t.scriptVersionId, audiences: ['customers'], channels: ['email'], variables: SCRIPT_VARIABLES }, ['variables.summary']), ownerCookie, incidentPath('api', '/review/publish'));
    add('POST', '/api/incidents/:id/promises', nearJson({ what: 'Refund', toName: 'Ann', ownerId: apiFollowUp.owner, dueAt: '2026-12-01T15:00Z' }), ownerCookie, incidentPath('api', '/promises'));
    add('POST', '/api/promises/:id/kept', nearJson({ notify: false }), ownerCookie, `/api/promises/${apiFollowUp.promiseId}/kept`);
    add('POST', '/unsubscribe/:token', form(['List-Unsubscribe']), () => ({}));
    const pending = await requestSubscription(t.store.db, { channel: 'email', address: 'fuzz-sub@example.com', components: [] }, { defaultPhoneCountry: 'US', allowLoopbackWebhooks: false, secretKey: t.crier.config.SECRET_KEY as string, now: Date.now() });
    const visitorHeaders = (_e: string, b: Body) => ({ cookie: anonymous.cookieHeader, ...formCsrf(b) });
    // Webhook URLs here are IP literals, so no run waits on a DNS lookup.
    const subscribeAddress = fc.oneof(fc.emailAddress(), fc.constantFrom('+1 201 555 0123', 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX', 'https://93.184.215.14/crier', 'https://10.0.0.1/x', 'http://127.0.0.1/x'));
    add('POST', '/subscribe', form(['channel', 'address', 'contact_email', 'components', 'website'], { channel: fc.constantFrom('email', 'sms', 'slack', 'webhook'), address: subscribeAddress, contact_email: fc.oneof(fc.emailAddress(), fc.constant('')) }), visitorHeaders);
    add('POST', '/api/subscriptions', nearJson({ channel: 'webhook', address: 'https://93.184.215.14/crier', contact_email: 'hooks@example.com', components: [] }), () => ({}));
    add('POST', '/subscribe/confirm/:token', form([]), visitorHeaders);
    add('POST', '/subscribe/manage/:token', form(['action', 'components', 'url'], {
      action: fc.constantFrom('save', 'unsubscribe', 'test', 'move'), url: fc.constantFrom('', 'http://127.0.0.1:9/hook', 'ftp://x', 'http://169.254.169.254/', 'not a url'),
    }), visitorHeaders);
    subscriptionTokens.confirm = pending.token;
    const managed = await requestSubscription(t.store.db, { channel: 'email', address: 'fuzz-managed@example.com', components: [] }, { defaultPhoneCountry: 'US', allowLoopbackWebhooks: false, secretKey: t.crier.config.SECRET_KEY as string, now: Date.now() });
    subscriptionTokens.manage = (await confirmByToken(t.store.db, managed.token, Date.now())).manageToken;
    add('POST', '/webhooks/twilio/status', form(['MessageSid', 'MessageStatus', 'ErrorCode'], { MessageStatus: fc.constantFrom('queued', 'sent', 'delivered', 'undelivered', 'failed') }), twilio('/webhooks/twilio/status'));
    add('POST', '/webhooks/twilio/inbound', form(['From', 'Body', 'MessageSid'], { Body: fc.constantFrom('STOP', 'HELP', 'START', 'hello', 'OUTAGE 1234 checkout', 'resolved 12', 'OUTAGE') }), twilio('/webhooks/twilio/inbound'));
    add('POST', '/webhooks/twilio/voice', form(['CallSid', 'From', 'Digits'], { Digits: fc.constantFrom('1', '', '#', '99') }), twilio('/webhooks/twilio/voice'));
    const pinHolder = (await createTeamMember(t.store.db, { key: 'fuzz-pin', name: 'Fuzz PIN', role: 'comms lead', phone: '+12015550190' })).id;
    add('POST', '/console/roster/members/:id/pin', form(['action', 'pin', 'confirm'], { action: fc.constantFrom('set', 'remove', 'reset'), pin: fc.constantFrom('1234', '12', 'abcd', '', '123456789012345'), confirm: fc.constantFrom('1234', '') }), ownerCookie, `/console/roster/members/${pinHolder}/pin`);
    add('POST', '/console/channels/check', form([]), ownerCookie);
    add('POST', '/webhooks/sendgrid/events', sendgridBodies(), (encoded) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'x-twilio-email-event-webhook-timestamp': ts, 'x-twilio-email-event-webhook-signature': SENDGRID.sign(ts, encoded) };
    });
    const concrete: Record<string, string> = { ':token': inviteToken, ':id': String(target.id) };
    for (const [k, v] of Object.entries(targets)) {
      let path = v.path.replace(':id', k.includes('/tokens/') ? String(tokenId) : k.includes('/broadcasts/') ? String(broadcastId) : concrete[':id'] as string);
      if (k.includes('/setup/')) path = path.replace(':token', 'x'.repeat(43));
      else if (k.includes('/unsubscribe/')) path = path.replace(':token', unsubscribe);
      else if (k.includes('/subscribe/confirm/')) path = path.replace(':token', subscriptionTokens.confirm);
      else if (k.includes('/subscribe/manage/')) path = path.replace(':token', subscriptionTokens.manage);
      else path = path.replace(':token', concrete[':token'] as string);
      v.path = path;
    }
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    agent.destroy();
    await t?.stop();
  });

  it('[A3] when the app starts, then every endpoint that takes a body has a generator here', () => {
    const withInput = registeredRoutes(t.crier.app).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
    const covered = Object.keys(targets).map((k) => k.replace(/\/[^/]*$/, '')).length;
    expect(covered).toBeGreaterThan(0);
    const fuzzKeys = new Set(Object.keys(targets));
    const missing = withInput.filter((k) => !fuzzKeys.has(k));
    expect(missing).toEqual([]);
  });

  const keys = [
    'POST /login', 'POST /setup/:token', 'POST /invite/:token', 'POST /logout', 'POST /console/users', 'POST /console/users/:id/role',
    'POST /console/users/:id/unlock', 'POST /console/users/:id/disable', 'POST /console/users/:id/enable', 'POST /console/tokens',
    'POST /console/tokens/:id/revoke', 'POST /console/send', 'POST /console/broadcasts/:id/retry', 'GET /console/audit', 'GET /api/audit', 'POST /api/updates', 'POST /unsubscribe/:token', 'POST /subscribe', 'POST /subscribe/confirm/:token', 'POST /subscribe/manage/:token',
    'POST /api/subscriptions', 'POST /webhooks/twilio/status', 'POST /webhooks/twilio/inbound', 'POST /webhooks/sendgrid/events',
    'POST /console/scripts', 'POST /console/scripts/:id/draft', 'POST /console/scripts/versions/:id/approve', 'POST /console/scripts/versions/:id/retire',
    'GET /api/scripts', 'POST /api/scripts', 'POST /api/scripts/:id/draft', 'POST /api/scripts/versions/:id/approve', 'POST /api/scripts/versions/:id/retire',
    'POST /console/roster/members', 'POST /console/roster/members/:id', 'POST /console/roster/members/:id/delete', 'POST /console/roster/failure-types',
    'POST /console/roster/failure-types/:id/responders', 'POST /api/users', 'POST /api/tokens', 'POST /api/contacts/import',
    'POST /webhooks/twilio/voice', 'POST /console/roster/members/:id/pin', 'POST /console/channels/check',
    'POST /console/monitors', 'POST /api/monitors', 'POST /console/monitors/:id', 'POST /api/monitors/:id', 'POST /console/monitors/:id/delete', 'POST /api/monitors/:id/delete',
    'POST /console/monitors/outages/:id/notice', 'POST /api/monitors/outages/:id/notice', 'POST /console/drafts/:id/close',
    'POST /console/problems', 'POST /api/problems',
    'POST /console/incidents/:id/review', 'POST /console/incidents/:id/review/publish', 'POST /console/incidents/:id/promises', 'POST /console/promises/:id/kept',
    'POST /api/incidents/:id/review', 'POST /api/incidents/:id/review/publish', 'POST /api/incidents/:id/promises', 'POST /api/promises/:id/kept',
  ];

  it.each(keys)('[A3] when %s gets 1,000 generated inputs, then none answers 5xx, none is left unhandled, and every refusal names the field', async (key) => {
    const target = targets[key] as Target;
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(target.bodies, async (body) => {
      const encoded = body.kind === 'form' ? new URLSearchParams(body.entries).toString() : body.kind === 'json' ? JSON.stringify(body.value) ?? 'null' : body.text;
      const type = body.kind === 'form' ? 'application/x-www-form-urlencoded' : body.kind === 'json' ? 'application/json' : body.type;
      const headers = { accept: key.includes('/api/') || key.includes('/webhooks/') ? 'application/json' : 'text/html', ...(await target.headers(encoded, body)) };
      const res = target.method === 'GET'
        ? await send(`${t.crier.url()}${target.path}?${encoded}`, 'GET', headers)
        : await send(`${t.crier.url()}${target.path}`, 'POST', { ...headers, 'content-type': type }, encoded);
      const answer = res.text;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) throw new Error(`${res.status} for ${encoded.slice(0, 300)}: ${answer.slice(0, 300)}`);
      if (res.status >= 400) {
        const named = /data-field="[^"]+"/.test(answer) || /"details":\[\{"field":"[^"]+"/.test(answer);
        if (!named) throw new Error(`${res.status} names no field for ${encoded.slice(0, 300)}: ${answer.slice(0, 400)}`);
      }
    }), { numRuns: RUNS });
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(RUNS);
    expect(unhandled).toEqual([]);
  }, 120_000);
});
