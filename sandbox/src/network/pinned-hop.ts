// One HTTP exchange with an address that has already been checked. The socket goes to that IP and
// nowhere else (no DNS here at all), while TLS SNI, the certificate check and the Host header use
// the name from the URL. A fresh connection per hop (agent: false): no pool can hand back a socket
// to some other address, and no proxy environment variable is consulted.

import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { hostForAuthority, isIpLiteral } from './host-name.ts';
import { HttpBridgeError } from './types.ts';
import type { TargetUrl } from './request-schema.ts';

export interface HopRequest {
  target: TargetUrl;
  address: string;
  family: 4 | 6;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  deadline: number; // epoch ms by which the whole request must be done
  connectTimeoutMs: number;
  maxResponseBytes: number;
  extraCa?: string[];
  signal?: AbortSignal;
  readBody: (status: number, headers: Record<string, string>) => boolean; // false for a redirect that will be followed
}

export interface HopResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const DECODERS: Record<string, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

export function performHop(hop: HopRequest): Promise<HopResponse> {
  const { target } = hop;
  const where = `${hostForAuthority(target.host)}:${target.port}`;
  const isHttps = target.scheme === 'https';

  return new Promise<HopResponse>((resolve, reject) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const cleanups: Array<() => void> = [];
    const finish = (error: HttpBridgeError | null, value?: HopResponse) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      for (const c of cleanups) c();
      if (error) {
        request.destroy();
        reject(error);
      } else {
        resolve(value!);
      }
    };

    const defaultPort = isHttps ? 443 : 80;
    const hostHeader = target.port === defaultPort ? hostForAuthority(target.host) : where;
    const headers: Record<string, string> = { ...hop.headers, host: hostHeader };
    if (hop.body !== undefined) headers['content-length'] = String(hop.body.length);

    const options: https.RequestOptions = {
      host: hop.address,
      family: hop.family,
      port: target.port,
      method: hop.method,
      path: `${target.url.pathname}${target.url.search}`,
      headers,
      agent: false,
      // Never consulted (host is an IP), but if it ever were, it may only answer the pinned address.
      lookup: (_name, _opts, callback) => (callback as (e: null, a: string, f: number) => void)(null, hop.address, hop.family),
    };
    if (isHttps) {
      // SNI may not carry an IP; for an IP literal the certificate is checked against `host`.
      if (!isIpLiteral(target.host)) options.servername = target.host;
      if (hop.extraCa && hop.extraCa.length > 0) options.ca = [...rootCertificates, ...hop.extraCa];
    }

    const request = (isHttps ? https : http).request(options);

    const remaining = hop.deadline - Date.now();
    if (remaining <= 0) {
      finish(new HttpBridgeError('timeout', `the request to ${where} ran out of time`));
      return;
    }
    timers.push(setTimeout(() => finish(new HttpBridgeError('timeout', `the request to ${where} took longer than allowed and was stopped`)), remaining));

    if (hop.signal) {
      if (hop.signal.aborted) {
        finish(new HttpBridgeError('cancelled', `the request to ${where} was cancelled`));
        return;
      }
      const onAbort = () => finish(new HttpBridgeError('cancelled', `the request to ${where} was cancelled`));
      hop.signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => hop.signal!.removeEventListener('abort', onAbort));
    }

    request.on('socket', (socket) => {
      const connectTimer = setTimeout(
        () => finish(new HttpBridgeError('timeout', `could not connect to ${where} within ${hop.connectTimeoutMs} ms`)),
        Math.min(hop.connectTimeoutMs, remaining),
      );
      timers.push(connectTimer);
      socket.once('connect', () => clearTimeout(connectTimer));
    });

    request.on('error', (err: NodeJS.ErrnoException) => finish(mapSocketError(err, where, hop.address, isHttps)));

    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const responseHeaders = flattenHeaders(response.headers);
      if (!hop.readBody(status, responseHeaders) || hop.method === 'HEAD') {
        response.resume();
        finish(null, { status, headers: responseHeaders, body: Buffer.alloc(0) });
        return;
      }
      readCapped(response, responseHeaders, hop.maxResponseBytes, where).then(
        (body) => finish(null, { status, headers: responseHeaders, body }),
        (err: HttpBridgeError) => {
          response.destroy();
          finish(err);
        },
      );
    });

    request.end(hop.body);
  });
}

/** Read the body, decoding gzip/deflate/br, and stop as soon as either side passes the cap. */
function readCapped(response: http.IncomingMessage, headers: Record<string, string>, maxBytes: number, where: string): Promise<Buffer> {
  const encoding = (headers['content-encoding'] ?? '').trim().toLowerCase();
  const makeDecoder = DECODERS[encoding];
  const tooLarge = () =>
    new HttpBridgeError('too_large', `the response from ${where} is larger than ${maxBytes} bytes and was stopped; ask for less (paging, filters)`);

  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge());

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let rawBytes = 0;
    let decodedBytes = 0;
    let source: Readable = response;
    let decoder: ReturnType<NonNullable<typeof makeDecoder>> | undefined;
    let done = false;
    const fail = (err: HttpBridgeError) => {
      if (done) return;
      done = true;
      decoder?.destroy();
      response.destroy();
      reject(err);
    };

    response.on('data', (chunk: Buffer) => {
      rawBytes += chunk.length;
      if (rawBytes > maxBytes) fail(tooLarge());
    });
    response.on('error', () => fail(new HttpBridgeError('connect_failed', `the connection to ${where} broke while reading the response`)));
    response.on('aborted', () => fail(new HttpBridgeError('connect_failed', `the connection to ${where} broke while reading the response`)));

    if (makeDecoder) {
      decoder = makeDecoder();
      response.pipe(decoder);
      source = decoder;
      decoder.on('error', () => fail(new HttpBridgeError('connect_failed', `the response from ${where} is not valid ${encoding} data`)));
      // The decoded body is what we keep; its size is what protects us from compression bombs.
      delete headers['content-encoding'];
      delete headers['content-length'];
    }
    source.on('data', (chunk: Buffer) => {
      if (done) return;
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) {
        fail(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
  });
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * The address did not take the connection at all (refused, unreachable), so nothing was sent and
 * the next checked address of the same name may be tried — e.g. `localhost` answering ::1 first
 * for a service that listens on 127.0.0.1 only.
 */
export class AddressUnreachableError extends HttpBridgeError {
  constructor(message: string) {
    super('connect_failed', message);
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

function mapSocketError(err: NodeJS.ErrnoException, where: string, address: string, isHttps: boolean): HttpBridgeError {
  if (err instanceof HttpBridgeError) return err;
  const code = err.code ?? '';
  if (isHttps && /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/.test(code)) {
    return new HttpBridgeError('tls_failed', `the TLS handshake with ${where} failed (${code}): the server's certificate is not valid for this name or not trusted`);
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the server',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    EPIPE: 'connection closed by the server',
    EADDRNOTAVAIL: 'address not available from this machine',
  };
  const reason = reasons[code] ?? (code || 'connection failed');
  const message = `could not complete the request to ${where} (${address}): ${reason}`;
  return UNREACHABLE_CODES.has(code) ? new AddressUnreachableError(message) : new HttpBridgeError('connect_failed', message);
}
