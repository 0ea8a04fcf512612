// The bridge end to end: real HTTP(S) servers on 127.0.0.1, real sockets. Names other than
// 127.0.0.1 are answered by an injected resolver, so nothing here ever leaves the machine.

import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpBridge, HttpBridgeError, type HostGrant, type HttpBridgeLogEvent } from '../../src/network/index.ts';
import { makeLocalhostCertificate, startServer, tableResolver, type TestServer } from './fixtures.ts';

let web: TestServer; // plain http
let other: TestServer; // a second origin, for redirects
let secure: TestServer; // https with a certificate for `localhost`
let certificate: { key: string; cert: string };

beforeAll(async () => {
  certificate = makeLocalhostCertificate();
  web = await startServer();
  other = await startServer();
  secure = await startServer(certificate);
});

afterAll(async () => {
  await Promise.all([web?.close(), other?.close(), secure?.close()]);
});

async function refusal(promise: Promise<unknown>): Promise<HttpBridgeError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(HttpBridgeError);
    return err as HttpBridgeError;
  }
  throw new Error('expected the bridge to refuse');
}

function get(url: string, extra: Record<string, unknown> = {}) {
  return { method: 'GET', url, headers: {}, ...extra };
}

describe('grants: host, port and scheme', () => {
  it('allows http to 127.0.0.1 when a grant names that address and port', async () => {
    const bridge = createHttpBridge();
    const res = await bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], get(`http://127.0.0.1:${web.port}/hello?x=1`));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).path).toBe('/hello?x=1');
    expect(res.url).toBe(`http://127.0.0.1:${web.port}/hello?x=1`);
  });

  it('refuses a server without grants, with the exact way to ask', async () => {
    const bridge = createHttpBridge({ resolve: tableResolver({}) });
    const err = await refusal(bridge.request('weather', [], get('https://api.example.com/forecast')));
    expect(err.code).toBe('not_granted');
    expect(err.message).toBe(
      "network access to api.example.com:443 is not granted for server 'weather'; ask for it with mcpbox_request_network_access (server 'weather', host 'api.example.com', port 443, justification)",
    );
  });

  it('refuses a port the grant does not name, before connecting', async () => {
    const before = web.connections;
    const bridge = createHttpBridge();
    const err = await refusal(bridge.request('lab', [{ host: '127.0.0.1', port: web.port + 1 }], get(`http://127.0.0.1:${web.port}/`)));
    expect(err.code).toBe('not_granted');
    expect(err.message).toContain(`127.0.0.1:${web.port} is not granted for server 'lab'`);
    expect(web.connections).toBe(before);
  });

  it('refuses plain http under a grant without a port and says how to fix it', async () => {
    const resolve = tableResolver({ 'api.example.com': ['127.0.0.1'] });
    const bridge = createHttpBridge({ resolve });
    const err = await refusal(bridge.request('weather', [{ host: 'api.example.com' }], get('http://api.example.com/')));
    expect(err.code).toBe('not_granted');
    expect(err.message).toMatch(/^plain http to api\.example\.com:80 is not granted for server 'weather'/);
    expect(err.message).toContain("host 'api.example.com', port 80");
    expect(resolve.calls).toEqual([]);
  });

  it('matches grants regardless of case and trailing dot', async () => {
    const bridge = createHttpBridge({ resolve: tableResolver({ localhost: ['127.0.0.1'] }) });
    const res = await bridge.request('lab', [{ host: 'LocalHost.', port: web.port }], get(`http://LOCALHOST.:${web.port}/case`));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).headers.host).toBe(`localhost:${web.port}`);
  });

  it('matches an IDN grant against the punycode name and resolves the punycode name', async () => {
    const resolve = tableResolver({ 'xn--bcher-kva.example': ['127.0.0.1'] });
    const bridge = createHttpBridge({ resolve });
    const err = await refusal(bridge.request('shop', [{ host: 'bücher.example', port: web.port }], get(`http://bücher.example:${web.port}/`)));
    // Granted (else not_granted), then refused because a name may not lead to loopback.
    expect(err.code).toBe('blocked_address');
    expect(resolve.calls).toEqual(['xn--bcher-kva.example']);
  });

  it('treats odd IPv4 spellings as the address they are: a grant for 127.0.0.1 covers 0x7f.1', async () => {
    const bridge = createHttpBridge();
    const res = await bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], get(`http://0x7f.1:${web.port}/odd`));
    expect(res.status).toBe(200);
    expect(res.url).toBe(`http://127.0.0.1:${web.port}/odd`);
  });

  it.each(['2130706433', '0177.0.0.1', '0x7f.1', '127.1'])('does not let %s pass as a granted name', async (spelling) => {
    const before = web.connections;
    const bridge = createHttpBridge({ resolve: tableResolver({}) });
    const err = await refusal(bridge.request('lab', [{ host: 'api.example.com', port: web.port }], get(`http://${spelling}:${web.port}/`)));
    expect(err.code).toBe('not_granted');
    expect(err.message).toContain(`127.0.0.1:${web.port}`);
    expect(web.connections).toBe(before);
  });

  it.each(['2130706433', '0177.0.0.1'])('refuses loopback spelled %s under a grant without a port', async (spelling) => {
    const bridge = createHttpBridge();
    const err = await refusal(bridge.request('lab', [{ host: spelling }], get(`https://${spelling}/`)));
    expect(err.code).toBe('blocked_address');
    expect(err.message).toMatch(/^127\.0\.0\.1 is a loopback address/);
  });
});

describe('SSRF guard: refused before any connection', () => {
  // Each resolved address would reach the test server if the guard let it through (all of
  // 127/8, 0.0.0.0 and the IPv4-mapped form of 127.0.0.1 land on 127.0.0.1 on Linux).
  const cases: Array<[label: string, grant: 'named-with-port' | 'named-no-port' | 'localhost', answer: string[], what: RegExp]> = [
    ['a name resolving to 127.0.0.1', 'named-with-port', ['127.0.0.1'], /resolved to 127\.0\.0\.1, a loopback address/],
    ['a name resolving to 127.0.0.2', 'named-with-port', ['127.0.0.2'], /a loopback address/],
    ['a name resolving to ::ffff:127.0.0.1', 'named-with-port', ['::ffff:127.0.0.1'], /IPv4-mapped form of 127\.0\.0\.1/],
    ['a name resolving to ::1', 'named-with-port', ['::1'], /a loopback address/],
    ['localhost resolving to 0.0.0.0', 'localhost', ['0.0.0.0'], /unspecified/],
    ['localhost resolving to ::', 'localhost', ['::'], /unspecified/],
    ['a private answer under a grant without a port', 'named-no-port', ['10.0.0.5'], /a private \(RFC 1918\) address/],
    ['a public and a loopback answer together', 'named-no-port', ['93.184.215.14', '127.0.0.1'], /127\.0\.0\.1, a loopback/],
    ['a metadata answer', 'localhost', ['169.254.169.254'], /the cloud metadata endpoint/],
    ['a NAT64 wrapping of loopback', 'named-with-port', ['64:ff9b::7f00:1'], /NAT64 form of 127\.0\.0\.1/],
    ['a 6to4 wrapping of metadata', 'localhost', ['2002:a9fe:a9fe::'], /6to4 form of 169\.254\.169\.254/],
    ['an answer that is not an IP at all', 'named-with-port', ['2130706433'], /not an IP address/],
  ];

  it.each(cases)('%s', async (_label, grantKind, answer, what) => {
    const host = grantKind === 'localhost' ? 'localhost' : 'api.example.com';
    const grant: HostGrant = grantKind === 'named-no-port' ? { host } : { host, port: web.port };
    const url = grantKind === 'named-no-port' ? `https://${host}/` : `http://${host}:${web.port}/`;
    const before = web.connections;
    const bridge = createHttpBridge({ resolve: tableResolver({ [host]: answer }) });
    const err = await refusal(bridge.request('lab', [grant], get(url)));
    expect(err.code).toBe('blocked_address');
    expect(err.message).toMatch(what);
    expect(web.connections).toBe(before);
  });

  it('refuses cloud metadata names even when granted, without resolving them', async () => {
    const resolve = tableResolver({ 'metadata.google.internal': ['127.0.0.1'] });
    const bridge = createHttpBridge({ resolve });
    const err = await refusal(
      bridge.request('lab', [{ host: 'metadata.google.internal', port: web.port }], get(`http://metadata.google.internal:${web.port}/`)),
    );
    expect(err.code).toBe('blocked_address');
    expect(err.message).toMatch(/cloud metadata endpoint/);
    expect(resolve.calls).toEqual([]);
  });

  it('refuses a metadata IP literal even under a grant naming it with a port', async () => {
    const bridge = createHttpBridge();
    const err = await refusal(bridge.request('lab', [{ host: '169.254.169.254', port: 80 }], get('http://169.254.169.254/latest/meta-data/')));
    expect(err.code).toBe('blocked_address');
    expect(err.message).toBe('169.254.169.254 is the cloud metadata endpoint; tools can never connect there, whatever the grants say');
  });

  it('refuses an IPv4-mapped literal of loopback unless the grant names a port', async () => {
    const bridge = createHttpBridge();
    const err = await refusal(bridge.request('lab', [{ host: '::ffff:127.0.0.1' }], get('https://[::ffff:127.0.0.1]/')));
    expect(err.code).toBe('blocked_address');
    expect(err.message).toMatch(/IPv4-mapped form of 127\.0\.0\.1/);
  });
});

describe('DNS', () => {
  it('connects to the checked address, not to a later answer (rebinding)', async () => {
    // The first lookup is checked and pinned; any later lookup would answer a blocked address.
    const resolve = tableResolver({ localhost: [['127.0.0.1'], ['192.0.2.66']] });
    const bridge = createHttpBridge({ resolve });
    const before = web.connections;
    const res = await bridge.request('lab', [{ host: 'localhost', port: web.port }], get(`http://localhost:${web.port}/pinned`));
    expect(res.status).toBe(200);
    expect(resolve.calls).toEqual(['localhost']);
    expect(web.connections).toBe(before + 1);
    expect(JSON.parse(res.body).headers.host).toBe(`localhost:${web.port}`);
  });

  it('tries the next checked address when one refuses the connection (localhost answering ::1 first)', async () => {
    const events: HttpBridgeLogEvent[] = [];
    const bridge = createHttpBridge({ resolve: tableResolver({ localhost: ['::1', '127.0.0.1'] }), log: (e) => events.push(e) });
    const res = await bridge.request('lab', [{ host: 'localhost', port: web.port }], get(`http://localhost:${web.port}/fallback`));
    expect(res.status).toBe(200);
    expect(events.filter((e) => e.event === 'failed').map((e) => [e.address, e.code])).toEqual([['::1', 'connect_failed']]);
    expect(events.at(-1)).toMatchObject({ event: 'response', address: '127.0.0.1' });
  });

  it('never falls back to an unchecked address: every answer must pass first', async () => {
    const before = web.connections;
    const bridge = createHttpBridge({ resolve: tableResolver({ localhost: ['::1', '169.254.169.254'] }) });
    const err = await refusal(bridge.request('lab', [{ host: 'localhost', port: web.port }], get(`http://localhost:${web.port}/`)));
    expect(err.code).toBe('blocked_address');
    expect(web.connections).toBe(before);
  });

  it('re-resolves and re-checks on a redirect to the same host', async () => {
    web.route('/rebind-hop', (_req, res) => {
      res.writeHead(302, { location: '/after-rebind' });
      res.end();
    });
    const resolve = tableResolver({ localhost: [['127.0.0.1'], ['192.0.2.66']] });
    const bridge = createHttpBridge({ resolve });
    const err = await refusal(bridge.request('lab', [{ host: 'localhost', port: web.port }], get(`http://localhost:${web.port}/rebind-hop`)));
    expect(err.code).toBe('blocked_address');
    expect(err.message).toMatch(/localhost resolved to 192\.0\.2\.66, a documentation address/);
    expect(resolve.calls).toEqual(['localhost', 'localhost']);
    expect(web.requests.some((r) => r.url === '/after-rebind')).toBe(false);
  });

  it('reports a name that does not resolve as dns_failed', async () => {
    const bridge = createHttpBridge({ resolve: tableResolver({}) });
    const err = await refusal(bridge.request('lab', [{ host: 'nowhere.example' }], get('https://nowhere.example/')));
    expect(err.code).toBe('dns_failed');
    expect(err.message).toMatch(/could not resolve nowhere\.example.*ENOTFOUND/);
  });

  it('reports an empty answer as dns_failed', async () => {
    const bridge = createHttpBridge({ resolve: tableResolver({ 'empty.example': [] }) });
    const err = await refusal(bridge.request('lab', [{ host: 'empty.example' }], get('https://empty.example/')));
    expect(err.code).toBe('dns_failed');
  });

  it('stops resolving when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const bridge = createHttpBridge({ resolve: () => new Promise(() => {}) });
    const err = await refusal(bridge.request('lab', [{ host: 'slow.example' }], get('https://slow.example/'), controller.signal));
    expect(err.code).toBe('cancelled');
  });

  it('stops a resolver that never answers at the time limit', async () => {
    const bridge = createHttpBridge({ resolve: () => new Promise(() => {}) });
    const err = await refusal(bridge.request('lab', [{ host: 'slow.example' }], get('https://slow.example/', { timeoutMs: 200 })));
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/resolving slow\.example/);
  });
});

describe('redirects', () => {
  beforeAll(() => {
    web.route('/to-other', (_req, res) => {
      res.writeHead(302, { location: `http://localhost:${other.port}/landed` });
      res.end();
    });
    web.route('/to-internal', (_req, res) => {
      res.writeHead(302, { location: `http://internal.example:${other.port}/admin` });
      res.end();
    });
    web.route('/to-ungranted', (_req, res) => {
      res.writeHead(301, { location: 'https://evil.example/steal' });
      res.end();
    });
    web.route('/to-metadata', (_req, res) => {
      res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    web.route('/loop', (_req, res) => {
      res.writeHead(302, { location: '/loop' });
      res.end();
    });
    web.route('/same-origin', (_req, res) => {
      res.writeHead(302, { location: '/echo-same' });
      res.end();
    });
    web.route('/see-other', (_req, res) => {
      res.writeHead(303, { location: '/after-303' });
      res.end();
    });
    web.route('/temporary', (_req, res) => {
      res.writeHead(307, { location: '/after-307' });
      res.end();
    });
    for (let i = 1; i <= 5; i++) {
      web.route(`/chain${i}`, (_req, res) => {
        res.writeHead(302, { location: i === 5 ? '/chain-end' : `/chain${i + 1}` });
        res.end();
      });
    }
    secure.route('/downgrade', (_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${other.port}/plain` });
      res.end();
    });
  });

  const resolve = () => tableResolver({ localhost: ['127.0.0.1'], 'internal.example': ['127.0.0.1'] });

  it('follows a redirect to another granted origin and drops credentials on the way', async () => {
    const bridge = createHttpBridge({ resolve: resolve() });
    const grants = [{ host: '127.0.0.1', port: web.port }, { host: 'localhost', port: other.port }];
    const res = await bridge.request(
      'lab',
      grants,
      get(`http://127.0.0.1:${web.port}/to-other`, { headers: { Authorization: 'Bearer s3cret', Cookie: 'sid=1', 'X-Trace': 'kept' } }),
    );
    expect(res.status).toBe(200);
    expect(res.url).toBe(`http://localhost:${other.port}/landed`);
    const seen = JSON.parse(res.body).headers;
    expect(seen.authorization).toBeUndefined();
    expect(seen.cookie).toBeUndefined();
    expect(seen['x-trace']).toBe('kept');
  });

  it('keeps credentials on a same-origin redirect', async () => {
    const bridge = createHttpBridge();
    const res = await bridge.request(
      'lab',
      [{ host: '127.0.0.1', port: web.port }],
      get(`http://127.0.0.1:${web.port}/same-origin`, { headers: { authorization: 'Bearer s3cret' } }),
    );
    expect(JSON.parse(res.body).headers.authorization).toBe('Bearer s3cret');
  });

  it('refuses a redirect to an internal address behind a granted name, without connecting', async () => {
    const before = other.connections;
    const bridge = createHttpBridge({ resolve: resolve() });
    const grants = [{ host: '127.0.0.1', port: web.port }, { host: 'internal.example', port: other.port }];
    const err = await refusal(bridge.request('lab', grants, get(`http://127.0.0.1:${web.port}/to-internal`)));
    expect(err.code).toBe('blocked_address');
    expect(err.message).toMatch(/internal\.example resolved to 127\.0\.0\.1/);
    expect(other.connections).toBe(before);
  });

  it('refuses a redirect to a host without a grant', async () => {
    const bridge = createHttpBridge({ resolve: resolve() });
    const err = await refusal(bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], get(`http://127.0.0.1:${web.port}/to-ungranted`)));
    expect(err.code).toBe('not_granted');
    expect(err.message).toContain("host 'evil.example', port 443");
  });

  it('refuses a redirect to the metadata endpoint', async () => {
    const bridge = createHttpBridge();
    const grants = [{ host: '127.0.0.1', port: web.port }, { host: '169.254.169.254', port: 80 }];
    const err = await refusal(bridge.request('lab', grants, get(`http://127.0.0.1:${web.port}/to-metadata`)));
    expect(err.code).toBe('blocked_address');
  });

  it('stops a redirect loop after 5 redirects', async () => {
    const bridge = createHttpBridge();
    const before = web.requests.filter((r) => r.url === '/loop').length;
    const err = await refusal(bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], get(`http://127.0.0.1:${web.port}/loop`)));
    expect(err.code).toBe('too_many_redirects');
    expect(err.message).toMatch(/stopped after 5 redirects/);
    expect(web.requests.filter((r) => r.url === '/loop').length - before).toBe(6);
  });

  it('never repeats a path or query (they may hold a secret) in a message', async () => {
    web.route('/loop-with-query/s3cret-path', (req, res) => {
      res.writeHead(302, { location: req.url! });
      res.end();
    });
    const bridge = createHttpBridge();
    const err = await refusal(
      bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], get(`http://127.0.0.1:${web.port}/loop-with-query/s3cret-path?api_key=s3cret`)),
    );
    expect(err.code).toBe('too_many_redirects');
    expect(err.message).toContain(`from http://127.0.0.1:${web.port})`);
    expect(err.message).not.toContain('s3cret');
    const bad = await refusal(bridge.request('lab', [], get('not-a-url/s3cret?token=s3cret')));
    expect(bad.code).toBe('bad_url');
    expect(bad.message).not.toContain('s3cret');
  });

  it('follows exactly 5 redirects', async () => {
    const bridge = createHttpBridge();
    const res = await bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], get(`http://127.0.0.1:${web.port}/chain1`));
    expect(res.status).toBe(200);
    expect(res.url).toBe(`http://127.0.0.1:${web.port}/chain-end`);
  });

  it('refuses an https → http downgrade, even to a granted target', async () => {
    const before = other.connections;
    const bridge = createHttpBridge({ resolve: resolve(), extraCa: [certificate.cert] });
    const grants = [{ host: 'localhost', port: secure.port }, { host: '127.0.0.1', port: other.port }];
    const err = await refusal(bridge.request('lab', grants, get(`https://localhost:${secure.port}/downgrade`)));
    expect(err.code).toBe('insecure_redirect');
    expect(other.connections).toBe(before);
  });

  it('turns a POST into a GET without body on 303', async () => {
    const bridge = createHttpBridge();
    const res = await bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], {
      method: 'POST',
      url: `http://127.0.0.1:${web.port}/see-other`,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const seen = JSON.parse(res.body);
    expect(seen.method).toBe('GET');
    expect(seen.body).toBe('');
    expect(seen.headers['content-type']).toBeUndefined();
  });

  it('keeps method and body on 307', async () => {
    const bridge = createHttpBridge();
    const res = await bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], {
      method: 'POST',
      url: `http://127.0.0.1:${web.port}/temporary`,
      headers: {},
      body: 'payload',
    });
    const seen = JSON.parse(res.body);
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe('payload');
  });

  it('returns a redirect status without Location as it is, body included', async () => {
    web.route('/no-location', (_req, res) => {
      res.writeHead(302, { 'content-type': 'text/plain' });
      res.end('moved, somewhere');
    });
    const bridge = createHttpBridge();
    const res = await bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], get(`http://127.0.0.1:${web.port}/no-location`));
    expect(res.status).toBe(302);
    expect(res.body).toBe('moved, somewhere');
  });

  it('hands the redirect back when followRedirects is false', async () => {
    const bridge = createHttpBridge();
    const res = await bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], get(`http://127.0.0.1:${web.port}/loop`, { followRedirects: false }));
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/loop');
  });
});

describe('response limits', () => {
  beforeAll(() => {
    web.route('/big', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(6 * 1024 * 1024, 0x61));
    });
    web.route('/big-chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const piece = Buffer.alloc(64 * 1024, 0x62);
      let sent = 0;
      const pump = () => {
        while (sent < 100 && res.write(piece)) sent++;
        if (sent < 100) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    web.route('/bomb', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      res.end(zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    });
    web.route('/gzip', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      res.end(zlib.gzipSync(JSON.stringify({ ok: true, text: 'é'.repeat(1000) })));
    });
    web.route('/brotli', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'br' });
      res.end(zlib.brotliCompressSync('brotli body'));
    });
    web.route('/broken-gzip', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end('this is not gzip');
    });
    web.route('/binary', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00, 0xfe]));
    });
    web.route('/hang', () => {
      // never answers
    });
    web.route('/drip', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
  });

  const grants = () => [{ host: '127.0.0.1', port: web.port }];

  it('stops a response larger than the cap (declared length)', async () => {
    const err = await refusal(createHttpBridge().request('lab', grants(), get(`http://127.0.0.1:${web.port}/big`)));
    expect(err.code).toBe('too_large');
    expect(err.message).toMatch(/larger than 5242880 bytes/);
  });

  it('stops a streamed response as it passes a smaller configured cap', async () => {
    const err = await refusal(createHttpBridge({ maxResponseBytes: 1024 * 1024 }).request('lab', grants(), get(`http://127.0.0.1:${web.port}/big-chunked`)));
    expect(err.code).toBe('too_large');
    expect(err.message).toMatch(/larger than 1048576 bytes/);
  });

  it('stops a gzip bomb by its decoded size', async () => {
    const err = await refusal(createHttpBridge().request('lab', grants(), get(`http://127.0.0.1:${web.port}/bomb`)));
    expect(err.code).toBe('too_large');
  });

  it('decodes gzip and drops the encoding headers', async () => {
    const res = await createHttpBridge().request('lab', grants(), get(`http://127.0.0.1:${web.port}/gzip`));
    expect(res.bodyEncoding).toBe('utf8');
    expect(JSON.parse(res.body)).toEqual({ ok: true, text: 'é'.repeat(1000) });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(web.requests.at(-1)!.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('decodes brotli', async () => {
    const res = await createHttpBridge().request('lab', grants(), get(`http://127.0.0.1:${web.port}/brotli`));
    expect(res.body).toBe('brotli body');
  });

  it('reports a body that is not what its encoding claims', async () => {
    const err = await refusal(createHttpBridge().request('lab', grants(), get(`http://127.0.0.1:${web.port}/broken-gzip`)));
    expect(err.code).toBe('connect_failed');
    expect(err.message).toMatch(/not valid gzip data/);
  });

  it('returns a binary body as base64', async () => {
    const res = await createHttpBridge().request('lab', grants(), get(`http://127.0.0.1:${web.port}/binary`));
    expect(res.bodyEncoding).toBe('base64');
    expect(Buffer.from(res.body, 'base64')).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00, 0xfe]));
  });

  it('stops a server that never answers at the request time limit', async () => {
    const err = await refusal(createHttpBridge().request('lab', grants(), get(`http://127.0.0.1:${web.port}/hang`, { timeoutMs: 300 })));
    expect(err.code).toBe('timeout');
  });

  it('stops a body that drips forever at the time limit', async () => {
    const err = await refusal(createHttpBridge().request('lab', grants(), get(`http://127.0.0.1:${web.port}/drip`, { timeoutMs: 400 })));
    expect(err.code).toBe('timeout');
  });

  it('caps a request time limit at the bridge limit', async () => {
    const started = Date.now();
    const err = await refusal(createHttpBridge({ timeoutMs: 300 }).request('lab', grants(), get(`http://127.0.0.1:${web.port}/hang`, { timeoutMs: 60_000 })));
    expect(err.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await refusal(createHttpBridge().request('lab', grants(), get(`http://127.0.0.1:${web.port}/hang`), controller.signal));
    expect(err.code).toBe('cancelled');
  });

  it('reports a closed port as connect_failed', async () => {
    const closed = await startServer();
    const port = closed.port;
    await closed.close();
    const err = await refusal(createHttpBridge().request('lab', [{ host: '127.0.0.1', port }], get(`http://127.0.0.1:${port}/`)));
    expect(err.code).toBe('connect_failed');
    expect(err.message).toMatch(/connection refused/);
  });
});

describe('request validation: refused before connecting', () => {
  const cases: Array<[label: string, request: Record<string, unknown>, code: string, message: RegExp]> = [
    ['CRLF in a header value', { headers: { 'X-A': 'x\r\nX-Injected: 1' } }, 'bad_request', /headers\.X-A: header values must not contain CR, LF or NUL/],
    ['LF alone in a header value', { headers: { 'X-A': 'x\nGET / HTTP/1.1' } }, 'bad_request', /must not contain CR, LF or NUL/],
    ['a header value beyond Latin-1', { headers: { 'X-Name': 'Zoë ☃' } }, 'bad_request', /header values may only contain visible ASCII/],
    ['a control character in a header value', { headers: { 'X-A': 'a\u0007b' } }, 'bad_request', /header values may only contain visible ASCII/],
    ['a header name with a colon', { headers: { 'X-A: b': 'c' } }, 'bad_request', /header names may only contain/],
    ['a header name with CRLF', { headers: { 'X-A\r\nX-B': 'c' } }, 'bad_request', /header names may only contain/],
    ['a Host header', { headers: { Host: 'internal.example' } }, 'bad_request', /Host header is set from the URL/],
    ['the TRACE method', { method: 'TRACE' }, 'bad_request', /method must be one of GET, HEAD, POST/],
    ['the CONNECT method', { method: 'CONNECT' }, 'bad_request', /method must be one of/],
    ['a body over 5 MiB', { method: 'POST', body: 'x'.repeat(5 * 1024 * 1024 + 1) }, 'bad_request', /5242881 bytes is more than the 5242880-byte limit/],
    ['a body that is not base64', { method: 'POST', body: 'not base64!', bodyEncoding: 'base64' }, 'bad_request', /not valid base64/],
    ['an unknown field', { proxy: 'http://evil' }, 'bad_request', /invalid http request/],
    ['credentials in the URL', { url: 'URL_WITH_CREDENTIALS' }, 'bad_url', /credentials in the URL .* are not allowed/],
    ['a file: URL', { url: 'file:///etc/passwd' }, 'bad_url', /scheme 'file' is not supported/],
    ['an ftp: URL', { url: 'ftp://127.0.0.1/' }, 'bad_url', /scheme 'ftp' is not supported/],
    ['a relative URL', { url: '/just/a/path' }, 'bad_url', /not an absolute URL/],
    ['a URL over 8 KB', { url: `http://127.0.0.1/${'a'.repeat(8200)}` }, 'bad_request', /url is longer than 8192/],
  ];

  it.each(cases)('%s', async (_label, overrides, code, message) => {
    const base = `http://127.0.0.1:${web.port}/`;
    const request: Record<string, unknown> = { method: 'GET', url: base, headers: {}, ...overrides };
    if (request.url === 'URL_WITH_CREDENTIALS') request.url = `http://admin:pw@127.0.0.1:${web.port}/`;
    const before = web.connections;
    const err = await refusal(createHttpBridge().request('lab', [{ host: '127.0.0.1', port: web.port }], request));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(web.connections).toBe(before);
  });

  it('sends a base64 body as the exact bytes, and sets content-length itself', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    await createHttpBridge().request('lab', [{ host: '127.0.0.1', port: web.port }], {
      method: 'put',
      url: `http://127.0.0.1:${web.port}/upload`,
      headers: { 'Content-Length': '999', Connection: 'upgrade' },
      body: bytes.toString('base64'),
      bodyEncoding: 'base64',
    });
    const seen = web.requests.at(-1)!;
    expect(seen.method).toBe('PUT');
    expect(seen.body).toEqual(bytes);
    expect(seen.headers['content-length']).toBe('6');
  });
});

describe('TLS', () => {
  const resolve = () => tableResolver({ localhost: ['127.0.0.1'] });

  it('connects to the pinned address with SNI and certificate check for the name', async () => {
    const bridge = createHttpBridge({ resolve: resolve(), extraCa: [certificate.cert] });
    const res = await bridge.request('lab', [{ host: 'localhost', port: secure.port }], get(`https://localhost:${secure.port}/tls`));
    expect(res.status).toBe(200);
    const seen = secure.requests.at(-1)!;
    expect(seen.servername).toBe('localhost');
    expect(seen.headers.host).toBe(`localhost:${secure.port}`);
  });

  it('refuses a certificate that is not trusted', async () => {
    const bridge = createHttpBridge({ resolve: resolve() });
    const err = await refusal(bridge.request('lab', [{ host: 'localhost', port: secure.port }], get(`https://localhost:${secure.port}/`)));
    expect(err.code).toBe('tls_failed');
    expect(err.message).toMatch(/TLS handshake with localhost:\d+ failed/);
  });

  it('refuses a certificate for another name (the IP is not in it)', async () => {
    const bridge = createHttpBridge({ extraCa: [certificate.cert] });
    const err = await refusal(bridge.request('lab', [{ host: '127.0.0.1', port: secure.port }], get(`https://127.0.0.1:${secure.port}/`)));
    expect(err.code).toBe('tls_failed');
    expect(err.message).toMatch(/ALTNAME/);
  });
});

describe('logging', () => {
  it('reports one event per step without headers or bodies', async () => {
    const events: HttpBridgeLogEvent[] = [];
    const bridge = createHttpBridge({ log: (e) => events.push(e) });
    await bridge.request('lab', [{ host: '127.0.0.1', port: web.port }], get(`http://127.0.0.1:${web.port}/log`, { headers: { authorization: 'Bearer s3cret' } }));
    await refusal(bridge.request('lab', [], get('https://api.example.com/')));
    expect(events.map((e) => e.event)).toEqual(['request', 'response', 'refused']);
    expect(events[1]).toMatchObject({ server: 'lab', status: 200, address: '127.0.0.1', port: web.port });
    expect(events[2]).toMatchObject({ code: 'not_granted', host: 'api.example.com' });
    expect(JSON.stringify(events)).not.toContain('s3cret');
  });
});
