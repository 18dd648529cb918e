import { PasswordHasher } from '../../src/auth/password';
import type { Role } from '../../src/auth/roles';
import { insertUser } from '../../src/auth/user.repository';
import type { Store } from '../../src/store/dialect';

/** Cheap scrypt for tests; production strength is checked on its own in the accounts tests. */
export const testHasher = new PasswordHasher({ ln: 10, r: 8, p: 1 }, 4);
export const PASSWORD = 'correct horse battery staple';

/** A browser-like client: keeps cookies, reads the CSRF token off the last page it saw. */
export class WebClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly baseUrl: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, options: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/html', ...options.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      headers.accept = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq);
      const value = (pair ?? '').slice(eq + 1);
      if (/max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** GET a page and remember its CSRF token. */
  async page(path: string): Promise<{ status: number; html: string; res: Response }> {
    const res = await this.request('GET', path);
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, html, res };
  }

  /** POST a form with the remembered CSRF token (unless the form gives its own _csrf). */
  async post(path: string, form: Record<string, string> = {}): Promise<Response> {
    return this.request('POST', path, { form: { _csrf: this.csrf, ...form } });
  }

  async signIn(email: string, password = PASSWORD): Promise<Response> {
    await this.page('/login');
    const res = await this.post('/login', { email, password });
    if (res.status === 303) await this.page('/console');
    return res;
  }
}

let sequence = 0;

/** Creates an account directly in the store. */
export async function createAccount(store: Store, role: Role, password = PASSWORD): Promise<{ id: number; email: string }> {
  const email = `${role}-${++sequence}-${Date.now()}@example.com`;
  const user = await insertUser(store.db, { email, name: `${role} ${sequence}`, role, passwordHash: await testHasher.hash(password), now: Date.now() });
  return { id: user.id, email };
}

/** A signed-in client for a new account of this role. */
export async function signedIn(store: Store, baseUrl: string, role: Role): Promise<WebClient & { userId: number; email: string }> {
  const { id, email } = await createAccount(store, role);
  const client = new WebClient(baseUrl);
  const res = await client.signIn(email);
  if (res.status !== 303) throw new Error(`sign-in as ${role} failed: ${res.status} ${await res.text()}`);
  return Object.assign(client, { userId: id, email });
}
