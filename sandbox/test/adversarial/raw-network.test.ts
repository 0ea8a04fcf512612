// Network access that bypasses the `http` bridge: raw sockets, urllib, pyfetch, asyncio streams and
// Node sockets reached through the JS API. Each case asserts the exact refusal that stops it (urllib,
// http.client and pyfetch cannot even load: their stdlib archive needs zlib, which the runtime lacks). A real TCP server on 127.0.0.1 counts connections: it must
// see none. (Grant and SSRF checks of the bridge itself are tested with the network code.)

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackSuite, attempt, type AttackCase } from './harness.ts';

let connections = 0;
const server = net.createServer((socket) => { connections++; socket.end('HTTP/1.1 200 OK\r\n\r\nhello'); });
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The verdict of `attempt` refused with exactly `Type: message`: nothing else (a typo's NameError, another error) passes. */
const blocked = (refusal: string): RegExp => new RegExp(`^${JSON.stringify(`blocked: ${refusal}`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

// Cases read the port at run time through the `port` argument.
const withPort = (attack: string) => attempt(attack).replace('async def main():', 'async def main(port: int):');
const cases: AttackCase[] = [
  { name: 'socket.socket()', code: withPort('import socket\ns = socket.socket()\ns.connect(("127.0.0.1", port))\nreturn "connected"'), outcome: blocked('PermissionError: [Errno 2] Permission denied') },
  { name: 'socket.create_connection', code: withPort('import socket\nsocket.create_connection((b"127.0.0.1", port), timeout=1)\nreturn "connected"'), outcome: blocked('PermissionError: [Errno 2] Permission denied') },
  { name: 'UDP socket', code: withPort('import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.sendto(b"x", ("127.0.0.1", port))\nreturn "sent"'), outcome: blocked('PermissionError: [Errno 2] Permission denied') },
  { name: 'socketpair', code: withPort('import socket\nsocket.socketpair()\nreturn "pair"'), outcome: blocked('PermissionError: [Errno 2] Permission denied') },
  { name: 'listening socket', code: withPort('import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 0))\ns.listen()\nreturn "listening"'), outcome: blocked('PermissionError: [Errno 2] Permission denied') },
  { name: 'urllib.request.urlopen', code: withPort('import urllib.request\nreturn urllib.request.urlopen(f"http://127.0.0.1:{port}/").read().decode()'), outcome: blocked("ZipImportError: can't decompress data; zlib not available") },
  { name: 'http.client', code: withPort('import http.client\nc = http.client.HTTPConnection("127.0.0.1", port)\nc.request("GET", "/")\nreturn "sent"'), outcome: blocked("ZipImportError: can't decompress data; zlib not available") },
  { name: 'pyodide.http.pyfetch', code: withPort('from pyodide.http import pyfetch\nr = await pyfetch(f"http://127.0.0.1:{port}/")\nreturn r.status'), outcome: blocked("ZipImportError: can't decompress data; zlib not available") },
  { name: 'asyncio.open_connection', code: withPort('import asyncio, socket\nawait asyncio.open_connection(sock=socket.create_connection((b"127.0.0.1", port)))\nreturn "connected"'), outcome: blocked('PermissionError: [Errno 2] Permission denied') },
  { name: 'Node sockets via _api.initializeNodeSockFS', code: withPort('import pyodide_js\npyodide_js._api.initializeNodeSockFS()\nimport socket\ns = socket.socket()\ns.connect(("127.0.0.1", port))\nreturn "connected"'), outcome: blocked('AttributeError: initializeNodeSockFS') },
  { name: 'js.fetch is gone', code: withPort('import js\nreturn str(await js.fetch(f"http://127.0.0.1:{port}/"))'), outcome: blocked('AttributeError: fetch') },
  { name: 'WebSocket via the JS API is gone', code: withPort('import js\nreturn str(js.WebSocket)'), outcome: blocked('AttributeError: WebSocket') },
  // No resolver is asked: the runtime answers a name lookup with a placeholder address (172.29.x.x, routable nowhere);
  // a bytes host skips the idna codec, which the runtime lacks and which would otherwise stop the call first.
  { name: 'DNS lookup gets a placeholder, not a resolution', code: withPort('import socket\nreturn str([a[4] for a in socket.getaddrinfo(b"example.com", 80)])'), outcome: /^"\[\('172\.29\.\d+\.\d+', 80\)\]"$/ },
  { name: 'the http global refuses without a bridge', code: withPort('return (await http.get(f"http://127.0.0.1:{port}/")).status_code'), outcome: blocked('HttpError: network access is not configured for this sandbox') },
];

describe('adversarial: raw network', () => {
  const t = attackSuite('rawnet', cases.map((c) => ({ ...c, args: { get port() { return port; } } })));
  it('the local server saw no connection', () => {
    expect(connections).toBe(0);
    expect(t.sandbox.networkNamespace).toBe(true);
  });
});
