// Real servers for the bridge tests, all on 127.0.0.1: each counts the TCP connections it
// accepted, so a test can prove a refusal happened before any connection was made.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedAddress, Resolver } from '../../src/network/index.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

export interface TestServer {
  port: number;
  connections: number;
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer; servername?: string }>;
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startServer(tls?: { key: string; cert: string }): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const state: TestServer = {
    port: 0,
    connections: 0,
    requests: [],
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://absolute-form.invalid').pathname; // a proxy sees absolute URLs
      const servername = (req.socket as { servername?: string | false }).servername;
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, ...(servername ? { servername } : {}) });
      const handler = routes.get(path);
      if (handler) handler(req, res, body);
      else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path: req.url, method: req.method, headers: req.headers, body: body.toString('utf8') }));
      }
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : http.createServer(onRequest);
  server.on(tls ? 'secureConnection' : 'connection', () => state.connections++);
  if (tls) server.on('tlsClientError', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

/** A self-signed certificate for `localhost` only (no IP in its names). */
export function makeLocalhostCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mcpbox-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A resolver from a fixed table; a list of answers per name is consumed one call at a time. */
export function tableResolver(table: Record<string, string[] | string[][]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const used = new Map<string, number>();
  const fn = async (name: string): Promise<ResolvedAddress[]> => {
    calls.push(name);
    const entry = table[name];
    if (entry === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    let answer: string[];
    if (Array.isArray(entry[0])) {
      const n = used.get(name) ?? 0;
      used.set(name, n + 1);
      const rounds = entry as string[][];
      answer = rounds[Math.min(n, rounds.length - 1)]!;
    } else {
      answer = entry as string[];
    }
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(fn, { calls });
}
