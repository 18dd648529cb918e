import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { AppError } from '../../src/errors';
import { addressProblem, checkWebhookUrl, safeLookup, type Resolver } from '../../src/subscriptions/webhook-url';

const resolvesTo = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const publicName = resolvesTo('93.184.215.14');

/** The AppError checkWebhookUrl threw, or a failure when it accepted the URL. */
async function refusal(url: string, options: Parameters<typeof checkWebhookUrl>[1] = { allowLoopback: false, lookup: publicName }): Promise<AppError> {
  try {
    await checkWebhookUrl(url, options);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('checkWebhookUrl', () => {
  it('[R3] when the URL is https to a public host, then it is accepted and returned normalised', async () => {
    const url = await checkWebhookUrl(' https://Hooks.Example.com/crier?x=1 ', { allowLoopback: false, lookup: publicName });
    expect(url.href).toBe('https://hooks.example.com/crier?x=1');
  });

  it('[R3] when the URL is https to a public IPv6 literal, then it is accepted', async () => {
    await expect(checkWebhookUrl('https://[2606:4700:4700::1111]/hook', { allowLoopback: false })).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['https://127.0.0.1/hook', '127.0.0.1 is a loopback address'],
    ['https://127.8.9.10/hook', '127.8.9.10 is a loopback address'],
    ['https://[::1]/hook', '::1 is a loopback address'],
    ['https://10.0.0.1/hook', '10.0.0.1 is a private network address'],
    ['https://10.255.255.254/hook', '10.255.255.254 is a private network address'],
    ['https://172.16.5.4/hook', '172.16.5.4 is a private network address'],
    ['https://192.168.1.1/hook', '192.168.1.1 is a private network address'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local address'],
    ['https://[fe80::1]/hook', 'fe80::1 is a link-local address'],
    ['https://[fd00::1]/hook', 'fd00::1 is a private (unique local) IPv6 address'],
    ['https://100.64.0.1/hook', '100.64.0.1 is a carrier-grade NAT address'],
    ['https://0.0.0.0/hook', '0.0.0.0 is the unspecified address'],
    ['https://[::]/hook', ':: is the unspecified address'],
    ['https://224.0.0.1/hook', '224.0.0.1 is a multicast address'],
    ['https://255.255.255.255/hook', '255.255.255.255 is the broadcast address'],
    ['https://240.0.0.1/hook', '240.0.0.1 is a reserved address'],
    ['https://[::ffff:10.0.0.1]/hook', '10.0.0.1 is a private network address'],
    ['https://[::ffff:127.0.0.1]/hook', '127.0.0.1 is a loopback address'],
    ['https://[2002:7f00:1::]/hook', 'is a 6to4 relay address'],
    ['https://[2001:0:7f00:1::]/hook', 'is a Teredo tunnel address'],
    ['https://[64:ff9b::a00:1]/hook', 'is a NAT64 address'],
  ])('[R3] when the URL is %s, then it is refused: %s', async (url, reason) => {
    const error = await refusal(url);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain(reason);
    expect(error.details).toEqual([{ field: 'webhook_url', message: expect.stringContaining(reason) as string }]);
  });

  it.each([
    ['https://2130706433/hook'],
    ['https://0x7f.1/hook'],
    ['https://0177.0.0.1/hook'],
    ['https://127.1/hook'],
  ])('[R3] when the host is the numeric form %s, then it is read as 127.0.0.1 and refused', async (url) => {
    expect((await refusal(url)).message).toContain('127.0.0.1 is a loopback address');
  });

  it('[R3] when a name resolves to a loopback address, then it is refused naming the name and the address', async () => {
    const error = await refusal('https://internal.example.com/hook', { allowLoopback: false, lookup: resolvesTo('127.0.0.1') });
    expect(error.message).toBe('The webhook URL was refused: internal.example.com resolves to 127.0.0.1 is a loopback address (this server), which webhooks may not reach.');
  });

  it.each([
    ['10.1.2.3', 'a private network address'],
    ['169.254.0.1', 'a link-local address'],
    ['::1', 'a loopback address'],
  ])('[R3] when a name resolves to %s, then it is refused as %s', async (address, reason) => {
    const error = await refusal('https://internal.example.com/hook', { allowLoopback: false, lookup: resolvesTo(address) });
    expect(error.details[0]?.message).toContain(`internal.example.com resolves to ${address} is ${reason}`);
  });

  it('[R3] when a name resolves to a public and a private address, then it is refused (every address must be public)', async () => {
    const error = await refusal('https://split.example.com/hook', { allowLoopback: false, lookup: resolvesTo('93.184.215.14', '10.0.0.7') });
    expect(error.message).toContain('10.0.0.7 is a private network address');
  });

  it('[R3] when the real resolver resolves localhost, then it is refused as loopback', async () => {
    const error = await refusal('https://localhost/hook', { allowLoopback: false });
    expect(error.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1) is a loopback address/);
  });

  it('[R3] when the sandbox setting allows loopback, then https and http to loopback are accepted', async () => {
    await expect(checkWebhookUrl('https://127.0.0.1:8443/hook', { allowLoopback: true })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://[::1]:8080/hook', { allowLoopback: true })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://localhost:8080/hook', { allowLoopback: true })).resolves.toBeInstanceOf(URL);
  });

  it('[R3] when the sandbox setting allows loopback, then private and link-local addresses are still refused', async () => {
    expect((await refusal('https://10.0.0.1/hook', { allowLoopback: true })).message).toContain('private network');
    expect((await refusal('https://169.254.169.254/hook', { allowLoopback: true })).message).toContain('link-local');
  });

  it('[R3] when the URL is plain http to a public host, then it is refused asking for https', async () => {
    expect((await refusal('http://hooks.example.com/x')).details[0]?.message).toBe('it must start with https:// (plain http is allowed only for loopback in the sandbox)');
    expect((await refusal('http://hooks.example.com/x', { allowLoopback: true, lookup: publicName })).message).toContain('must start with https://');
  });

  it.each([
    ['ftp://hooks.example.com/x', 'it must start with https://'],
    ['file:///etc/passwd', 'it must start with https://'],
    ['not a url', 'it is not a URL (expected https://host/path)'],
    ['https://user:secret@hooks.example.com/x', 'it must not contain a user name or password'],
    ['https://user@hooks.example.com/x', 'it must not contain a user name or password'],
  ])('[R3] when the URL is %s, then it is refused: %s', async (url, reason) => {
    expect((await refusal(url)).details).toEqual([{ field: 'webhook_url', message: reason }]);
  });

  it('[R3] when the host does not resolve, then it is refused saying so', async () => {
    const failing: Resolver = async () => { throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' }); };
    expect((await refusal('https://nowhere.invalid/x', { allowLoopback: false, lookup: failing })).message).toContain('nowhere.invalid could not be resolved (ENOTFOUND)');
  });

  it('[R3] when a field name is given, then the problem names that field', async () => {
    expect((await refusal('https://10.0.0.1/', { allowLoopback: false, field: 'addresses[2].address' })).details[0]?.field).toBe('addresses[2].address');
  });
});

describe('addressProblem', () => {
  it('[R3] when an address is ordinary public unicast, then there is no problem', () => {
    expect(addressProblem('8.8.8.8', false)).toBeNull();
    expect(addressProblem('2a00:1450:4001:80b::200e', false)).toBeNull();
  });
});

describe('ALLOW_LOOPBACK_WEBHOOKS', () => {
  it('[R3] when it is unset, then loopback webhooks are not allowed; "true" allows them', () => {
    expect(loadConfig({}).ALLOW_LOOPBACK_WEBHOOKS).toBe(false);
    expect(loadConfig({ ALLOW_LOOPBACK_WEBHOOKS: 'true' }).ALLOW_LOOPBACK_WEBHOOKS).toBe(true);
    expect(() => loadConfig({ ALLOW_LOOPBACK_WEBHOOKS: 'maybe' })).toThrow(/ALLOW_LOOPBACK_WEBHOOKS: must be true or false/);
  });
});

describe('safeLookup (connect-time check)', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function get(allowLoopback: boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const options = { host: 'localhost', port, path: '/', family: 4, lookup: safeLookup({ allowLoopback }), agent: false, headers: { connection: 'close' } };
      const req = http.get(options, (res) => {
        res.setEncoding('utf8');
        let body = '';
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => {
          res.socket.destroy();
          resolve(body);
        });
      });
      req.on('error', reject);
    });
  }

  it('[R3] when a request\'s host resolves to loopback at connect time, then the connection is refused before any byte is sent', async () => {
    let hits = 0;
    server.on('request', () => { hits += 1; });
    await expect(get(false)).rejects.toThrow(/localhost resolves to 127\.0\.0\.1 is a loopback address/);
    expect(hits).toBe(0);
  });

  it('[R3] when the sandbox setting allows loopback, then the same request connects', async () => {
    await expect(get(true)).resolves.toBe('ok');
  });

  it('[R3] when asked for every address, then it answers with the list', async () => {
    const all = await new Promise<unknown>((resolve, reject) => {
      safeLookup({ allowLoopback: true })('localhost', { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
    });
    expect(Array.isArray(all)).toBe(true);
    expect((all as { address: string }[]).length).toBeGreaterThan(0);
  });
});
