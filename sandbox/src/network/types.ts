// The shapes that cross the network bridge: what a tool asks for, what it gets back, and the
// one error type it can see. Everything here is plain JSON so it can travel over IPC to the
// child and into Python without handing the tool a live object.

export interface HttpRequest {
  method: string; // GET HEAD POST PUT PATCH DELETE OPTIONS
  url: string; // absolute http(s) URL, at most 8 KB, no credentials
  headers: Record<string, string>;
  body?: string;
  bodyEncoding?: 'utf8' | 'base64'; // how `body` is encoded; default utf8
  timeoutMs?: number; // total time for the request including redirects; capped by the bridge
  followRedirects?: boolean; // default true; every hop is re-checked
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>; // lower-case names; repeated headers joined with ", "
  body: string;
  bodyEncoding: 'utf8' | 'base64'; // utf8 when the (decoded) body is valid UTF-8, else base64
  url: string; // the final URL after redirects
}

/** One network grant of a server, as `policy/network.yaml` on main states it. */
export interface HostGrant {
  host: string;
  port?: number;
}

/** An address a name resolved to, as `dns.promises.lookup(name, {all: true})` reports it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type HttpBridgeErrorCode =
  | 'bad_request' // the request itself is malformed (method, headers, body size)
  | 'bad_url'
  | 'not_granted'
  | 'blocked_address'
  | 'insecure_redirect' // https → http downgrade
  | 'dns_failed'
  | 'timeout'
  | 'cancelled' // the caller aborted (the tool call ended)
  | 'too_large'
  | 'too_many_redirects'
  | 'connect_failed'
  | 'tls_failed';

/**
 * The only error the bridge raises. `message` is written for the LLM that wrote the tool:
 * it says what was refused and what to do about it, never a stack trace.
 */
export class HttpBridgeError extends Error {
  readonly code: HttpBridgeErrorCode;

  constructor(code: HttpBridgeErrorCode, message: string) {
    super(message);
    this.name = 'HttpBridgeError';
    this.code = code;
  }
}

/** What the bridge reports to its optional logger: one event per hop, never bodies or headers. */
export interface HttpBridgeLogEvent {
  server: string;
  event: 'request' | 'refused' | 'response' | 'failed';
  method: string;
  host: string;
  port: number;
  address?: string;
  status?: number;
  code?: HttpBridgeErrorCode;
  redirect?: number; // 0 for the first hop
}
