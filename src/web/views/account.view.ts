import type { FieldProblem } from '../../errors';
import { csrfField, input, problems } from './forms';
import { html, page } from './html';

export interface FormState {
  csrf: string;
  problems?: FieldProblem[];
  values?: Record<string, string>;
}

const PASSWORD_HINT = 'At least 12 characters. A passphrase of four or more words is easy to type on a phone.';

export function loginPage(brand: string, s: FormState & { next?: string }): string {
  return page(`Sign in · ${brand}`, html`<h1>Sign in to ${brand}</h1>
${problems(s.problems ?? [])}
<form method="post" action="/login" class="stack">${csrfField(s.csrf)}
<input type="hidden" name="next" value="${s.next ?? ''}">
${input('email', 'Email', { type: 'email', value: s.values?.email, autocomplete: 'username' })}
${input('password', 'Password', { type: 'password', autocomplete: 'current-password' })}
<button type="submit">Sign in</button></form>`);
}

export function setupPage(brand: string, token: string, s: FormState): string {
  return page(`Set up ${brand}`, html`<h1>Set up ${brand}</h1>
<p>Create the owner account. This link works once.</p>
${problems(s.problems ?? [])}
<form method="post" action="/setup/${token}" class="stack">${csrfField(s.csrf)}
${input('name', 'Your name', { value: s.values?.name, autocomplete: 'name' })}
${input('email', 'Email', { type: 'email', value: s.values?.email, autocomplete: 'username' })}
${input('password', 'Password', { type: 'password', autocomplete: 'new-password', minlength: 12, maxlength: 256 })}
<p class="muted">${PASSWORD_HINT}</p>
${input('confirm', 'Password again', { type: 'password', autocomplete: 'new-password', minlength: 12, maxlength: 256 })}
<button type="submit">Create owner account</button></form>`);
}

export function invitePage(brand: string, token: string, invite: { email: string; role: string }, s: FormState): string {
  return page(`Join ${brand}`, html`<h1>Join ${brand}</h1>
<p>You are invited as <strong>${invite.role}</strong> with the email <strong>${invite.email}</strong>.</p>
${problems(s.problems ?? [])}
<form method="post" action="/invite/${token}" class="stack">${csrfField(s.csrf)}
${input('name', 'Your name', { value: s.values?.name, autocomplete: 'name' })}
${input('password', 'Password', { type: 'password', autocomplete: 'new-password', minlength: 12, maxlength: 256 })}
<p class="muted">${PASSWORD_HINT}</p>
${input('confirm', 'Password again', { type: 'password', autocomplete: 'new-password', minlength: 12, maxlength: 256 })}
<button type="submit">Create my account</button></form>`);
}

export function messagePage(title: string, message: string, problemsList: FieldProblem[] = []): string {
  return page(title, html`<h1>${title}</h1><p>${message}</p>${problems(problemsList)}<p><a href="/console">Console</a> · <a href="/status">Status page</a></p>`);
}
