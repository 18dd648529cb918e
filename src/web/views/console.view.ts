import type { ApiToken } from '../../auth/api-token.repository';
import { can, ROLES, type Permission } from '../../auth/roles';
import type { Principal, User } from '../../auth/user';
import type { AuditEntry } from '../../audit/audit';
import type { FieldProblem } from '../../errors';
import { csrfField, input, notice, problems, select } from './forms';
import { html, page, type SafeHtml, when } from './html';

export interface ConsoleContext {
  brand: string;
  principal: Principal;
  csrf: string;
}

const LINKS: { href: string; label: string; permission: Permission }[] = [
  { href: '/console', label: 'Home', permission: 'incidents:read' },
  { href: '/desk', label: 'Staff desk', permission: 'desk:read' },
  { href: '/console/scripts', label: 'Scripts', permission: 'desk:read' },
  { href: '/console/roster', label: 'Roster', permission: 'incidents:read' },
  { href: '/console/promises', label: 'Promises', permission: 'incidents:read' },
  { href: '/console/users', label: 'People', permission: 'users:manage' },
  { href: '/console/tokens', label: 'API tokens', permission: 'tokens:manage' },
  { href: '/console/audit', label: 'Audit log', permission: 'audit:read' },
  { href: '/sandbox', label: 'Sandbox inbox', permission: 'sandbox:read' },
  { href: '/console/channels', label: 'Channels', permission: 'incidents:read' },
  { href: '/console/problems', label: 'Problem log', permission: 'incidents:read' },
  { href: '/console/monitors', label: 'Monitors', permission: 'incidents:read' },
];

/** The console frame: links the viewer's role allows, who is signed in, sign out. */
export function consolePage(c: ConsoleContext, title: string, body: SafeHtml, head: SafeHtml = html``): string {
  return page(`${title} · ${c.brand}`, html`<nav>
${LINKS.filter((l) => can(c.principal.role, l.permission)).map((l) => html`<a href="${l.href}">${l.label}</a>`)}
<a href="/status">Status page</a>
<form method="post" action="/logout" class="inline">${csrfField(c.csrf)}<button type="submit" class="secondary">Sign out</button></form>
</nav>
<p class="muted">Signed in as ${c.principal.label} (${c.principal.role})</p>
<h1>${title}</h1>
${body}`, head);
}


/** A webhook subscriber Crier turned off after repeated failed deliveries. */
export interface DisabledWebhook {
  url: string;
  disabledAt: number;
  reason: string | null;
}

/** The mark on the console that a webhook was disabled; its URL is contact data, for comms and owners. */
function disabledWebhooks(c: ConsoleContext, list: DisabledWebhook[]): SafeHtml {
  if (list.length === 0) return html``;
  const detail = can(c.principal.role, 'contacts:write');
  return html`<div class="errors disabled-webhooks" role="alert"><p><strong>${list.length} webhook subscriber${list.length === 1 ? ' is' : 's are'} disabled</strong> after repeated failed deliveries; each gets updates again once its owner sends a successful test from the manage page.</p>
${detail ? html`<ul>${list.map((w) => html`<li>${w.url} <span class="muted">· since ${when(w.disabledAt)}${w.reason ? ` · ${w.reason}` : ''}</span></li>`)}</ul>` : ''}</div>`;
}

export function homeView(c: ConsoleContext, open: { id: number; title: string; status: string; drill?: boolean }[], followThrough: SafeHtml = html``, overdue: SafeHtml = html``, disabled: DisabledWebhook[] = []): string {
  const canSend = can(c.principal.role, 'incidents:write');
  return consolePage(c, 'Console', html`
${disabledWebhooks(c, disabled)}
${canSend ? html`<p><a class="button" href="/console/send">Send a notice</a></p>` : ''}
${overdue}
${followThrough}
<h2>Open incidents</h2>
${open.length === 0 ? html`<p>None. All systems operational.</p>` : html`<ul>${open.map((i) => html`<li><a href="/console/incidents/${i.id}">${i.title}</a>${i.drill ? html` <span class="badge drill">DRILL</span>` : ''} <span class="muted">· ${i.status}</span>${canSend ? html` · <a href="/console/send?incident=${i.id}">Post an update</a>` : ''}</li>`)}</ul>`}`);
}

export interface UsersViewState {
  problems?: FieldProblem[];
  values?: Record<string, string>;
  /** A just-created invitation link, shown this once. */
  inviteUrl?: string;
  inviteEmail?: string;
}

export function usersView(c: ConsoleContext, users: User[], now: number, s: UsersViewState = {}): string {
  return consolePage(c, 'People', html`
${s.inviteUrl ? notice(html`<p>Send this link to ${s.inviteEmail}. It works once and is shown only now:</p><code class="secret">${s.inviteUrl}</code>`) : ''}
<table><thead><tr><th>Name</th><th>Role</th><th>State</th><th>Last sign-in</th><th></th></tr></thead><tbody>
${users.map((u) => html`<tr><td>${u.name}<br><span class="muted">${u.email}</span></td>
<td><form method="post" action="/console/users/${u.id}/role" class="inline">${csrfField(c.csrf)}${select('role', '', ROLES, u.role)}<button type="submit" class="secondary">Set</button></form></td>
<td>${u.disabledAt !== null ? 'disabled' : u.lockedUntil !== null && u.lockedUntil > now ? html`locked until ${when(u.lockedUntil)}` : 'active'}</td>
<td>${when(u.lastLoginAt)}</td>
<td>${u.lockedUntil !== null && u.lockedUntil > now ? html`<form method="post" action="/console/users/${u.id}/unlock" class="inline">${csrfField(c.csrf)}<button type="submit">Unlock</button></form>` : ''}
<form method="post" action="/console/users/${u.id}/${u.disabledAt === null ? 'disable' : 'enable'}" class="inline">${csrfField(c.csrf)}<button type="submit" class="secondary">${u.disabledAt === null ? 'Disable' : 'Enable'}</button></form></td></tr>`)}
</tbody></table>
<h2>Invite someone</h2>
${problems(s.problems ?? [])}
<form method="post" action="/console/users" class="stack">${csrfField(c.csrf)}
${input('email', 'Email', { type: 'email', value: s.values?.email })}
${select('role', 'Role', ROLES, s.values?.role ?? 'staff')}
<button type="submit">Create invitation link</button></form>`);
}

export interface TokensViewState {
  problems?: FieldProblem[];
  values?: Record<string, string>;
  /** A just-created token, shown this once. */
  secret?: string;
}

export function tokensView(c: ConsoleContext, tokens: ApiToken[], s: TokensViewState = {}): string {
  return consolePage(c, 'API tokens', html`
${s.secret ? notice(html`<p>Copy the token now; it is not shown again. Send it as <code>Authorization: Bearer …</code>.</p><code class="secret">${s.secret}</code>`) : ''}
<table><thead><tr><th>Name</th><th>Scope</th><th>Token</th><th>Created</th><th>Last used</th><th></th></tr></thead><tbody>
${tokens.map((t) => html`<tr><td>${t.name}</td><td>${t.role}</td><td><code>${t.prefix}…</code></td><td>${when(t.createdAt)}</td><td>${when(t.lastUsedAt)}</td>
<td>${t.revokedAt !== null ? html`revoked ${when(t.revokedAt)}` : html`<form method="post" action="/console/tokens/${t.id}/revoke" class="inline">${csrfField(c.csrf)}<button type="submit" class="secondary">Revoke</button></form>`}</td></tr>`)}
</tbody></table>
<h2>New token</h2>
${problems(s.problems ?? [])}
<form method="post" action="/console/tokens" class="stack">${csrfField(c.csrf)}
${input('name', 'What it is for', { value: s.values?.name })}
${select('role', 'Scope', ROLES, s.values?.role ?? 'comms')}
<button type="submit">Create token</button></form>`);
}

export function auditView(c: ConsoleContext, entries: AuditEntry[], filter: Record<string, string | undefined>, problemsList: FieldProblem[] = []): string {
  const last = entries[entries.length - 1];
  const query = (extra: Record<string, string>) => new URLSearchParams(Object.entries({ ...filter, ...extra }).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return consolePage(c, 'Audit log', html`
${problems(problemsList)}
<form method="get" action="/console/audit" class="stack">
${input('actor', 'Actor (e.g. user:1)', { value: filter.actor, required: false })}
${input('action', 'Action (e.g. auth.login_failed)', { value: filter.action, required: false })}
${input('subject', 'Subject (e.g. user:2)', { value: filter.subject, required: false })}
<button type="submit" class="secondary">Filter</button></form>
<table><thead><tr><th>When</th><th>Actor</th><th>Action</th><th>Subject</th><th>Detail</th></tr></thead><tbody>
${entries.map((e) => html`<tr><td>${when(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.subject}</td><td><pre>${JSON.stringify(e.detail)}</pre></td></tr>`)}
</tbody></table>
${last && entries.length >= 100 ? html`<p><a href="/console/audit?${query({ before: String(last.id) })}">Older entries</a></p>` : ''}`);
}
