// The only way a tool reaches the network. The child process has no network of its own; it
// sends the parent a request and the parent runs it through here, with the grants of the
// server the tool belongs to (policy/network.yaml on main).
//
// For every hop (the first request and each redirect):
//   1. the URL is parsed and vetted: http/https only, no credentials, at most 8 KB;
//   2. a grant must cover host, port and scheme (grants.ts: a grant without a port covers https
//      on 443 only; plain http needs a grant that names its port);
//   3. cloud metadata names are refused outright;
//   4. the name is resolved once, and *every* address it resolves to must be open to that grant
//      (address-policy.ts) — one bad address refuses the request;
//   5. the connection goes to a checked address and no other (pinned-hop.ts), so a DNS answer
//      that changes between check and connect (rebinding) changes nothing. The first checked
//      address is used; the next one only if the previous did not take the connection at all.
// Redirects: at most `maxRedirects`, never https → http, and Authorization, Cookie and
// Proxy-Authorization are dropped when the origin changes. Responses are capped at
// `maxResponseBytes` after decompression, and the whole exchange at the request's time limit.

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress, isMetadataHostname } from './address-policy.ts';
import { findGrant, grantOpensAddress, type GrantMatch } from './grants.ts';
import { ACCEPTED_ENCODINGS, AddressUnreachableError, performHop, type HopResponse } from './pinned-hop.ts';
import { blockedAddress, metadataHost, notGranted } from './refusals.ts';
import { parseTargetUrl, urlForMessage, validateRequest, type TargetUrl } from './request-schema.ts';
import {
  HttpBridgeError,
  type HostGrant,
  type HttpBridgeLogEvent,
  type HttpResponse,
  type ResolvedAddress,
  type Resolver,
} from './types.ts';

export interface HttpBridgeOptions {
  /** Name resolution; default `dns.promises.lookup(name, {all: true})`. */
  resolve?: Resolver;
  maxResponseBytes?: number; // default 5 MiB, applied to the decoded body
  maxRequestBytes?: number; // default 5 MiB
  timeoutMs?: number; // default and upper bound of a request's total time, 30 s
  connectTimeoutMs?: number; // default 10 s
  maxRedirects?: number; // default 5
  /** PEM certificates trusted in addition to Node's bundled roots (a homelab's own CA). */
  extraCa?: string[];
  log?: (event: HttpBridgeLogEvent) => void;
}

export interface HttpBridge {
  /** Run one request for `server` under its `grants`. Rejects only with HttpBridgeError. */
  request(server: string, grants: readonly HostGrant[], req: unknown, signal?: AbortSignal): Promise<HttpResponse>;
}

const MIB = 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Headers the bridge owns: it sets them from the URL and body, or they are hop-by-hop.
const MANAGED_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'accept-encoding',
]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export const defaultResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export function createHttpBridge(options: HttpBridgeOptions = {}): HttpBridge {
  const resolve = options.resolve ?? defaultResolver;
  const maxResponseBytes = options.maxResponseBytes ?? 5 * MIB;
  const maxRequestBytes = options.maxRequestBytes ?? 5 * MIB;
  const maxTimeoutMs = options.timeoutMs ?? 30_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const maxRedirects = options.maxRedirects ?? 5;
  const log = options.log ?? (() => {});

  async function resolvePinned(
    server: string,
    target: TargetUrl,
    grant: GrantMatch,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<ResolvedAddress[]> {
    const { host, port } = target;
    let answers: ResolvedAddress[];
    if (isIP(host) !== 0) {
      answers = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
    } else {
      answers = await withDeadline(resolve(host), deadline, host, signal).catch((err: unknown) => {
        if (err instanceof HttpBridgeError) throw err;
        throw new HttpBridgeError('dns_failed', `could not resolve ${host}: check the host name (${errorCode(err)})`);
      });
      if (answers.length === 0) throw new HttpBridgeError('dns_failed', `${host} has no addresses`);
    }
    for (const answer of answers) {
      const cls = classifyAddress(answer.address);
      if (!grantOpensAddress(grant, cls)) throw blockedAddress(server, host, port, answer.address, cls);
    }
    return answers.map((a) => ({ address: a.address, family: isIP(a.address) === 6 ? 6 : 4 }));
  }

  async function checkTarget(
    server: string,
    grants: readonly HostGrant[],
    target: TargetUrl,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<ResolvedAddress[]> {
    const found = findGrant(grants, target.host, target.port, target.scheme);
    if (!found.ok) throw notGranted(server, target.host, target.port, found.httpNeedsPort);
    if (isMetadataHostname(target.host)) throw metadataHost(target.host);
    return resolvePinned(server, target, found.grant, deadline, signal);
  }

  async function run(server: string, grants: readonly HostGrant[], input: unknown, signal?: AbortSignal): Promise<HttpResponse> {
    const req = validateRequest(input, maxRequestBytes);
    if (req.headers.host !== undefined) {
      throw new HttpBridgeError('bad_request', 'invalid http request at headers.host: the Host header is set from the URL; put the host in the URL instead');
    }
    const deadline = Date.now() + Math.min(req.timeoutMs ?? maxTimeoutMs, maxTimeoutMs);
    let headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (!MANAGED_HEADERS.has(name)) headers[name] = value;
    headers['accept-encoding'] = ACCEPTED_ENCODINGS;
    let method: string = req.method;
    let body = req.body;
    let target = parseTargetUrl(req.url);

    for (let hop = 0; ; hop++) {
      const base = { server, method, host: target.host, port: target.port, redirect: hop };
      let checked: ResolvedAddress[];
      try {
        checked = await checkTarget(server, grants, target, deadline, signal);
      } catch (err) {
        if (err instanceof HttpBridgeError) log({ ...base, event: 'refused', code: err.code });
        throw err;
      }
      let response: HopResponse | undefined;
      for (const [index, pinned] of checked.entries()) {
        log({ ...base, event: 'request', address: pinned.address });
        const hopRequest: Parameters<typeof performHop>[0] = {
          target,
          address: pinned.address,
          family: pinned.family,
          method,
          headers,
          deadline,
          connectTimeoutMs,
          maxResponseBytes,
          readBody: (status, responseHeaders) =>
            !(req.followRedirects && REDIRECT_STATUSES.has(status) && responseHeaders.location !== undefined),
        };
        if (body !== undefined) hopRequest.body = body;
        if (options.extraCa) hopRequest.extraCa = options.extraCa;
        if (signal) hopRequest.signal = signal;
        try {
          response = await performHop(hopRequest);
          log({ ...base, event: 'response', address: pinned.address, status: response.status });
          break;
        } catch (err) {
          if (err instanceof HttpBridgeError) log({ ...base, event: 'failed', address: pinned.address, code: err.code });
          const anotherAddressLeft = index < checked.length - 1;
          if (!(err instanceof AddressUnreachableError && anotherAddressLeft)) throw err;
        }
      }
      if (response === undefined) throw new HttpBridgeError('connect_failed', `${target.host} has no address to connect to`);

      const location = response.headers.location;
      if (!req.followRedirects || !REDIRECT_STATUSES.has(response.status) || location === undefined) {
        return toHttpResponse(response, target.url);
      }
      if (hop >= maxRedirects) {
        throw new HttpBridgeError('too_many_redirects', `stopped after ${maxRedirects} redirects (last one from ${urlForMessage(target.url)}); the server may be redirecting in a loop`);
      }
      const next = parseTargetUrl(location, target.url);
      if (target.scheme === 'https' && next.scheme === 'http') {
        throw new HttpBridgeError('insecure_redirect', `${urlForMessage(target.url)} redirected to plain http (${urlForMessage(next.url)}); redirects from https to http are refused, request an https URL directly`);
      }
      if (next.url.origin !== target.url.origin) {
        headers = { ...headers };
        for (const name of CREDENTIAL_HEADERS) delete headers[name];
      }
      // Like browsers: 303 always, and 301/302 after a POST, continue as a GET without a body.
      if (response.status === 303 ? method !== 'HEAD' : (response.status === 301 || response.status === 302) && method === 'POST') {
        method = 'GET';
        body = undefined;
        headers = { ...headers };
        delete headers['content-type'];
      }
      target = next;
    }
  }

  return {
    async request(server, grants, input, signal) {
      try {
        return await run(server, grants, input, signal);
      } catch (err) {
        if (err instanceof HttpBridgeError) throw err;
        // Whatever else went wrong stays in the parent; the tool gets a plain message.
        throw new HttpBridgeError('connect_failed', `the request failed unexpectedly (${errorCode(err)})`);
      }
    },
  };
}

function toHttpResponse(response: { status: number; headers: Record<string, string>; body: Buffer }, url: URL): HttpResponse {
  const text = decodeUtf8(response.body);
  return text === null
    ? { status: response.status, headers: response.headers, body: response.body.toString('base64'), bodyEncoding: 'base64', url: url.href }
    : { status: response.status, headers: response.headers, body: text, bodyEncoding: 'utf8', url: url.href };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Buffer): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

function withDeadline<T>(work: Promise<T>, deadline: number, host: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new HttpBridgeError('cancelled', `the request was cancelled while resolving ${host}`));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      reject(new HttpBridgeError('timeout', `resolving ${host} took longer than the request's time limit`));
    }, Math.max(0, deadline - Date.now()));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'lookup failed';
}
