// Who may read the status site. A browser cannot send an Authorization header, so a person signs in
// at /status/login: the token they paste (a bearer token, or an OIDC access token) is checked by the
// same Authenticator as /mcp and exchanged for a session id in an HttpOnly, SameSite=Strict cookie
// scoped to /status/. Every other /status/ request needs that cookie or the usual credentials
// (scripts and the trusted front keep sending headers); /metrics never accepts the cookie.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCookie, stringifySetCookie } from 'cookie';
import * as z from 'zod';
import type { Authenticator } from '../auth/authenticator.ts';
import { BrowserSessions } from '../auth/browser-sessions.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import { credentialsOf } from './auth.ts';
import { peerKey, RATE_WINDOW_MS } from './rate-limit.ts';

const STATUS_SESSION_COOKIE = 'mcpbox_status';
const LOGIN_PATH = '/status/login';
const LOGOUT_PATH = '/status/logout';
const COOKIE_PATH = '/status/';
/** Sign-in attempts per minute from one peer address: enough for typos, too few to guess tokens. */
const LOGIN_ATTEMPTS_PER_MINUTE = 10;
const FORM_LIMIT_BYTES = 16 * 1024;

const LoginForm = z.object({ token: z.string().max(8_192, 'the token is longer than 8192 characters') });

export interface StatusSiteAuthOptions {
  authenticator: Authenticator;
  metrics?: GatewayMetrics | undefined;
  sessions?: BrowserSessions;
}

/** Adds sign-in, sign-out and the check of every other request to the status site's plugin scope. */
export function statusSiteAuth(app: FastifyInstance, options: StatusSiteAuthOptions): void {
  const { authenticator, metrics } = options;
  const sessions = options.sessions ?? new BrowserSessions();
  const attempts = app.createRateLimit({ max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: RATE_WINDOW_MS, keyGenerator: peerKey });
  const mode = authenticator.settings.mode;
  const publicUrl = authenticator.settings.publicUrl;

  // The sign-in form posts application/x-www-form-urlencoded, which Fastify does not parse by itself.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === LOGIN_PATH || path === LOGOUT_PATH) return;
    const sessionId = cookieOf(request);
    const presentsCredentials = request.headers.authorization !== undefined || Object.keys(request.headers).some((name) => name.startsWith('x-mcpbox-'));
    if (sessionId !== undefined && !presentsCredentials) {
      const identity = sessions.identityFor(sessionId);
      if (identity !== null) {
        request.identity = identity;
        request.log = request.log.child({ caller: identity.name });
        return;
      }
      metrics?.authFailures.inc({ status: '401' });
      void reply.header('set-cookie', expiredCookie(request));
      if (wantsPage(request)) return reply.redirect(LOGIN_PATH, 303);
      return reply.status(401).send({ error: 'session_invalid', message: `The status-site session is unknown or has expired; sign in again at ${LOGIN_PATH}.` });
    }
    const outcome = await authenticator.authenticate(credentialsOf(request, publicUrl));
    if (outcome.ok) {
      request.identity = outcome.identity;
      request.log = request.log.child({ caller: outcome.identity.name });
      return;
    }
    metrics?.authFailures.inc({ status: String(outcome.status) });
    if (outcome.detail !== undefined) request.log.warn({ reason: outcome.detail }, 'could not check a caller\'s credentials');
    // A person with a browser goes to the sign-in form; anything else gets the refusal /mcp gives.
    if (outcome.status === 401 && !presentsCredentials && wantsPage(request)) return reply.redirect(LOGIN_PATH, 303);
    if (outcome.challenge !== undefined) void reply.header('www-authenticate', outcome.challenge);
    return reply.status(outcome.status).send({ error: outcome.status === 403 ? 'forbidden' : outcome.status === 503 ? 'unavailable' : 'unauthorized', message: outcome.message });
  });

  app.get(LOGIN_PATH, async (request, reply) => {
    const sessionId = mode === 'none' ? undefined : cookieOf(request);
    const signedIn = sessionId === undefined ? null : sessions.identityFor(sessionId);
    return page(reply, 200, loginPage({ mode, message: null, signedInAs: signedIn?.user ?? signedIn?.name ?? null }));
  });

  app.post(LOGIN_PATH, async (request, reply) => {
    if (!sameOrigin(request)) return page(reply, 403, loginPage({ mode, message: 'This sign-in did not come from this site\'s own form (its Origin header is missing or names another site). Open the sign-in page and try again.' }));
    const attempt = await attempts(request);
    if (!attempt.isAllowed && attempt.isExceeded) {
      const seconds = Math.max(1, attempt.ttlInSeconds);
      void reply.header('retry-after', String(seconds));
      return page(reply, 429, loginPage({ mode, message: `Too many sign-in attempts from this address (at most ${LOGIN_ATTEMPTS_PER_MINUTE} a minute). Try again in ${seconds} s.` }));
    }
    if (mode === 'none') return reply.redirect(COOKIE_PATH, 303);
    const form = LoginForm.safeParse(request.body ?? {});
    const token = form.success ? form.data.token.trim() : '';
    if (!form.success || token === '') return page(reply, 400, loginPage({ mode, message: form.success ? 'Paste a token into the field, then sign in.' : `The form was not accepted: ${form.error.issues[0]?.message ?? 'invalid input'}.` }));
    if (/\s/.test(token)) return page(reply, 400, loginPage({ mode, message: 'A token has no spaces or line breaks in it; paste the token alone.' }));
    // The same check as /mcp, as if the token had come in an Authorization header from this peer.
    const outcome = await authenticator.authenticate({ ...credentialsOf(request, publicUrl), authorization: `Bearer ${token}`, frontToken: undefined, frontUser: undefined, localOperator: undefined });
    if (!outcome.ok) {
      metrics?.authFailures.inc({ status: String(outcome.status) });
      if (outcome.detail !== undefined) request.log.warn({ reason: outcome.detail }, 'could not check a sign-in token');
      return page(reply, outcome.status, loginPage({ mode, message: outcome.message }));
    }
    const sessionId = sessions.create(outcome.identity);
    request.log.info({ caller: outcome.identity.name }, 'signed in to the status site');
    void reply.header('set-cookie', sessionCookie(request, sessionId, sessions.ttlMs));
    return reply.redirect(COOKIE_PATH, 303);
  });

  app.post(LOGOUT_PATH, async (request, reply) => {
    if (!sameOrigin(request)) return reply.status(403).type('text/plain; charset=utf-8').send('Sign out only from the status site\'s own button (the Origin header is missing or names another site).');
    const sessionId = cookieOf(request);
    if (sessionId !== undefined) sessions.revoke(sessionId);
    void reply.header('set-cookie', expiredCookie(request));
    return reply.redirect(LOGIN_PATH, 303);
  });
}

function cookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  const value = parseCookie(header)[STATUS_SESSION_COOKIE];
  return value === undefined || value === '' ? undefined : value;
}

function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

function sessionCookie(request: FastifyRequest, id: string, ttlMs: number): string {
  return stringifySetCookie({ name: STATUS_SESSION_COOKIE, value: id, httpOnly: true, sameSite: 'strict', path: COOKIE_PATH, secure: isHttps(request), maxAge: Math.floor(ttlMs / 1000) });
}

function expiredCookie(request: FastifyRequest): string {
  return stringifySetCookie({ name: STATUS_SESSION_COOKIE, value: '', httpOnly: true, sameSite: 'strict', path: COOKIE_PATH, secure: isHttps(request), maxAge: 0 });
}

/** A browser sends Origin on every form POST; it must be this very site (CSRF). */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  return origin !== undefined && origin === `${request.protocol}://${request.host}`;
}

function wantsPage(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

// Not the site's no-referrer policy: under it a browser sends `Origin: null` with the form's POST,
// and the Origin check above could not tell this form from any other.
const LOGIN_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function page(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .header('content-security-policy', LOGIN_PAGE_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .type('text/html; charset=utf-8')
    .send(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The sign-in page: a plain form, no script (the site's CSP allows none inline), the token only in the POST body. */
function loginPage({ mode, message, signedInAs = null }: { mode: 'none' | 'bearer' | 'oidc'; message: string | null; signedInAs?: string | null }): string {
  const what = mode === 'oidc' ? 'an access token from your identity provider' : 'your bearer token (the one MCP clients send)';
  const body =
    mode === 'none'
      ? `<p>This gateway needs no sign-in (MCPBOX_AUTH=none, loopback only).</p><p><a href="${COOKIE_PATH}">Open the status site</a></p>`
      : signedInAs !== null
        ? `<p>Signed in as <strong data-testid="signed-in-as">${escapeHtml(signedInAs)}</strong>. <a href="${COOKIE_PATH}">Open the status site</a></p>
<form method="post" action="${LOGOUT_PATH}"><button type="submit">Sign out</button></form>`
        : `<p>Paste ${what}. It is checked like a request to /mcp and exchanged for a session cookie; it is not stored.</p>
${message === null ? '' : `<p class="error" role="alert" data-testid="login-error">${escapeHtml(message)}</p>`}
<form method="post" action="${LOGIN_PATH}">
<label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
<button type="submit">Sign in</button>
</form>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · mcpbox status</title>
<style>
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; }
button { margin-top: .75rem; padding: .5rem 1rem; font: inherit; }
.error { border-left: 4px solid #b3261e; padding: .25rem .75rem; }
:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>mcpbox status</h1>
${body}
</main>
</body>
</html>
`;
}
