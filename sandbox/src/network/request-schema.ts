// The boundary check for a request coming from a tool: shape, method, header syntax, sizes, and a
// URL the bridge is willing to look at. A failure names the field and what to do instead.

import * as z from 'zod';
import { normalizeHost } from './host-name.ts';
import { HttpBridgeError } from './types.ts';
import { HTTP_URL_LIMIT_CHARS } from '../limits.ts';
import type { Scheme } from './grants.ts';

const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
// What Node's HTTP writer accepts in a header value (other control characters and code points
// above U+00FF are refused).
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const HttpRequestSchema = z
  .object({
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(ALLOWED_METHODS, { error: `method must be one of ${ALLOWED_METHODS.join(', ')}` })),
    url: z.string().min(1, 'url is empty').max(HTTP_URL_LIMIT_CHARS, `url is longer than ${HTTP_URL_LIMIT_CHARS} characters`),
    headers: z
      .record(
        z.string(),
        z
          .string()
          .refine((v) => !FORBIDDEN_IN_VALUE.test(v), 'header values must not contain CR, LF or NUL')
          .refine((v) => HEADER_VALUE.test(v), 'header values may only contain visible ASCII, spaces, tabs and Latin-1; percent- or base64-encode other text'),
      )
      .superRefine((headers, ctx) => {
        // Checked here rather than as a record key schema so the message names the header.
        for (const name of Object.keys(headers)) {
          if (!HEADER_NAME.test(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: "header names may only contain letters, digits and !#$%&'*+-.^_`|~" });
          }
        }
      })
      .default({}),
    body: z.string().optional(),
    bodyEncoding: z.enum(['utf8', 'base64']).optional(),
    timeoutMs: z.number().int().positive('timeoutMs must be a positive number of milliseconds').optional(),
    followRedirects: z.boolean().optional(),
  })
  .strict();

export interface ValidRequest {
  method: (typeof ALLOWED_METHODS)[number];
  url: string;
  headers: Record<string, string>; // lower-case names
  body?: Buffer;
  timeoutMs?: number;
  followRedirects: boolean;
}

export function validateRequest(input: unknown, maxRequestBytes: number): ValidRequest {
  const parsed = HttpRequestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.map(pathSegment).join('.') : 'request';
    throw new HttpBridgeError('bad_request', `invalid http request at ${where}: ${issue.message}`);
  }
  const req = parsed.data;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = value;

  let body: Buffer | undefined;
  if (req.body !== undefined) {
    if (req.bodyEncoding === 'base64') {
      if (!BASE64.test(req.body)) throw new HttpBridgeError('bad_request', 'invalid http request at body: not valid base64');
      body = Buffer.from(req.body, 'base64');
    } else {
      body = Buffer.from(req.body, 'utf8');
    }
    if (body.length > maxRequestBytes) {
      throw new HttpBridgeError(
        'bad_request',
        `invalid http request at body: ${body.length} bytes is more than the ${maxRequestBytes}-byte limit; send less data per request`,
      );
    }
  }
  const out: ValidRequest = { method: req.method, url: req.url, headers, followRedirects: req.followRedirects ?? true };
  if (body !== undefined) out.body = body;
  if (req.timeoutMs !== undefined) out.timeoutMs = req.timeoutMs;
  return out;
}

export interface TargetUrl {
  url: URL;
  scheme: Scheme;
  host: string; // canonical, no brackets
  port: number;
}

/** Parse and vet a URL (the tool's, or a redirect's Location resolved against the current URL). */
export function parseTargetUrl(text: string, base?: URL): TargetUrl {
  if (text.length > HTTP_URL_LIMIT_CHARS) throw new HttpBridgeError('bad_url', `the url is longer than ${HTTP_URL_LIMIT_CHARS} characters`);
  let url: URL;
  try {
    url = base ? new URL(text, base) : new URL(text);
  } catch {
    const shown = preview(text);
    throw new HttpBridgeError('bad_url', `${shown ? `'${shown}'` : 'the url'} is not an absolute URL; write it as https://host/path`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new HttpBridgeError('bad_url', `the scheme '${url.protocol.slice(0, -1)}' is not supported; only https (and http to granted ports) is`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new HttpBridgeError(
      'bad_url',
      'credentials in the URL (user:password@host) are not allowed; send them in an Authorization header, reading the secret from `secrets`',
    );
  }
  const host = normalizeHost(url.hostname);
  if (host === null) throw new HttpBridgeError('bad_url', `'${preview(url.hostname)}' is not a valid host name`);
  const scheme: Scheme = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
  if (port === 0) throw new HttpBridgeError('bad_url', 'port 0 is not a valid destination port');
  url.hash = '';
  return { url, scheme, host, port };
}

// A header name may itself be the problem (CR/LF, spaces): quote anything that is not a plain word.
function pathSegment(segment: PropertyKey): string {
  const text = String(segment);
  return /^[A-Za-z0-9_-]+$/.test(text) ? text : JSON.stringify(text);
}

// Messages reach the LLM, and a tool may put a secret in a URL's path (e.g. /bot<token>/send) or
// query, so messages show no more than scheme and authority.
function preview(text: string): string {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(text)?.[0] ?? text.split(/[/?#]/)[0]!;
  return authority.length > 100 ? `${authority.slice(0, 100)}…` : authority;
}

/** A URL as messages show it: its origin only. */
export function urlForMessage(url: URL): string {
  return url.origin;
}
