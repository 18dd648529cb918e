import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors';

/**
 * Subscribers give Crier a URL and Crier POSTs to it, so a URL must never point Crier at its own
 * host or network (SSRF): it must be https and every address its host resolves to must be an
 * ordinary public unicast address. The check runs when the URL is saved and again before each
 * send; `safeLookup` repeats it at connect time, so a name that resolved to a public address at
 * check time and to 127.0.0.1 a moment later (DNS rebinding) is still refused.
 */

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a name resolves to (dns.lookup with all: true). Injectable for tests. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface WebhookUrlOptions {
  /** Sandbox and tests only (ALLOW_LOOPBACK_WEBHOOKS): loopback is allowed, and plain http to it. */
  allowLoopback: boolean;
  lookup?: Resolver;
  /** The field named in the error, as the form or API calls it. */
  field?: string;
}

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** Why an address must not be reached, or null when it may be. */
export function addressProblem(address: string, allowLoopback: boolean): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let ip = ipaddr.parse(address);
  // ::ffff:10.0.0.1 reaches 10.0.0.1: judge the IPv4 address inside.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && allowLoopback) return null;
  return `${ip.toString()} is ${describeRange(range)}, which webhooks may not reach`;
}

const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address (this server)',
  private: 'a private network address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a private (unique local) IPv6 address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  '6to4': 'a 6to4 relay address (it embeds an IPv4 address)',
  teredo: 'a Teredo tunnel address (it embeds an IPv4 address)',
  rfc6052: 'a NAT64 address (it embeds an IPv4 address)',
  rfc6145: 'an IPv4-translated address',
};

function describeRange(range: string): string {
  return RANGE_NAMES[range] ?? `in the special-purpose range "${range}"`;
}

function refuse(field: string, reason: string): AppError {
  return new AppError('invalid_input', `The webhook URL was refused: ${reason}.`, [{ field, message: reason }]);
}

/** The host of a URL without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Parses and checks a subscriber's webhook URL; returns it normalised (WHATWG form, so numeric
 * hosts such as 2130706433 or 0x7f.1 already read 127.0.0.1), or throws AppError('invalid_input')
 * naming the field and the reason.
 */
export async function checkWebhookUrl(raw: string, options: WebhookUrlOptions): Promise<URL> {
  const field = options.field ?? 'webhook_url';
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refuse(field, 'it is not a URL (expected https://host/path)');
  }
  if (url.username !== '' || url.password !== '') throw refuse(field, 'it must not contain a user name or password');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse(field, 'it must start with https://');
  const host = bareHost(url);
  if (host === '') throw refuse(field, 'it has no host');

  const literal = ipaddr.isValid(host);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.lookup ?? systemResolver)(host);
    } catch (error) {
      throw refuse(field, `its host ${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})`);
    }
    if (addresses.length === 0) throw refuse(field, `its host ${host} resolves to no address`);
  }
  for (const a of addresses) {
    const problem = addressProblem(a.address, options.allowLoopback);
    if (problem) throw refuse(field, literal ? problem : `${host} resolves to ${problem}`);
  }
  if (url.protocol === 'http:') {
    const allLoopback = addresses.every((a) => ipaddr.process(a.address).range() === 'loopback');
    if (!(options.allowLoopback && allLoopback)) throw refuse(field, 'it must start with https:// (plain http is allowed only for loopback in the sandbox)');
  }
  return url;
}

/**
 * A `lookup` for http.request / https.Agent / undici's connect options that resolves as usual and
 * refuses the connection when any resolved address may not be reached. Node skips `lookup` for
 * an IP-literal host, so call checkWebhookUrl before each send as well; this closes the gap
 * between that check and the connect.
 */
export function safeLookup(options: { allowLoopback: boolean; field?: string }): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const problem = addresses.map((a) => addressProblem(a.address, options.allowLoopback)).find((p) => p !== null);
      if (problem) {
        callback(refuse(options.field ?? 'webhook_url', `${hostname} resolves to ${problem}`) as unknown as NodeJS.ErrnoException, '', 0);
        return;
      }
      if (lookupOptions.all) {
        (callback as unknown as (err: null, all: dns.LookupAddress[]) => void)(null, addresses);
        return;
      }
      const [first] = addresses;
      if (!first) callback(Object.assign(new Error(`${hostname} resolves to no address`), { code: 'ENOTFOUND' }), '', 0);
      else callback(null, first.address, first.family);
    });
  };
}
