// /authorize (consent, GET and POST) and /callback (the identity provider's answer): the person's part
// of the flow. The library keeps the request server-side and binds the consent form and the upstream
// `state` to the browser, single use; this file adds the redirect allow-list, the upstream login and
// the user allow-list.
import { AuthorizationError, CimdFetchError, authorizationErrorRedirect } from '@cloudflare/workers-oauth-provider';
import { consentPage, refusalPage } from './consent-page.ts';
import { isAllowedRedirect } from './redirect-allow-list.ts';
import { finishUpstreamLogin, randomToken, UpstreamLoginError, upstreamAuthorizeUrl } from './upstream-oidc.ts';
import { isAllowedUser } from './user-allow-list.ts';
import type { WorkerConfig, WorkerEnv } from './worker-config.ts';
import type { GrantProps } from './grant-props.ts';

interface UpstreamData {
  verifier: string;
  nonce: string;
}

export async function handleAuthorize(request: Request, env: WorkerEnv, config: WorkerConfig): Promise<Response> {
  const oauth = env.OAUTH_PROVIDER;
  if (request.method === 'GET') {
    const authRequest = await oauth.parseAuthRequest(request);
    if (!isAllowedRedirect(config.redirects, authRequest.redirectUri)) {
      return refusalPage(400, 'Redirect URI not allowed', `This front does not send access to ${authRequest.redirectUri}. If this is your client, add its redirect URI to REDIRECT_URIS in the Worker's wrangler.toml and deploy again.`);
    }
    const details = await oauth.describeConsent(authRequest);
    const consent = await oauth.beginConsent(authRequest);
    consent.headers.set('content-type', 'text/html; charset=utf-8');
    return new Response(consentPage(details, consent.handle, config.resource), { headers: consent.headers });
  }
  if (request.method === 'POST') {
    const form = await request.formData();
    const handle = String(form.get('handle') ?? '');
    if (form.get('decision') !== 'approve') {
      const denied = await oauth.denyConsent(request, handle);
      return new Response(null, { status: 302, headers: denied.headers });
    }
    const approved = await oauth.approveConsent(request, handle);
    const data: UpstreamData = { verifier: randomToken(), nonce: randomToken() };
    const { state, headers } = await oauth.beginUpstream(approved.request, { data, headers: approved.headers });
    headers.set('location', await upstreamAuthorizeUrl(config, { state, nonce: data.nonce, verifier: data.verifier }));
    return new Response(null, { status: 302, headers });
  }
  return refusalPage(405, 'Method not allowed', '/authorize takes GET (the consent page) and POST (its form).');
}

export async function handleCallback(request: Request, env: WorkerEnv, config: WorkerConfig): Promise<Response> {
  const oauth = env.OAUTH_PROVIDER;
  const { request: original, data, headers } = await oauth.finishUpstream<UpstreamData>(request);
  const params = new URL(request.url).searchParams;
  const upstreamError = params.get('error');
  if (upstreamError !== null) {
    headers.set('location', authorizationErrorRedirect(original, 'access_denied', `The identity provider answered ${upstreamError}`));
    return new Response(null, { status: 302, headers });
  }
  const code = params.get('code');
  if (code === null || code === '') return refusalPage(400, 'Sign-in failed', 'The identity provider sent no code back. Start connecting from your app again.');
  const user = await finishUpstreamLogin(config, code, data);
  if (!isAllowedUser(config.users, { ...(user.email === undefined ? {} : { email: user.email }), groups: user.groups }, user.emailVerified)) {
    const who = user.email ?? `subject ${user.subject}`;
    const why = user.email !== undefined && !user.emailVerified ? ` (your identity provider has not verified ${user.email})` : '';
    return refusalPage(403, 'Not allowed', `${who} may not use this mcpbox${why}. Ask its admin to add you to ALLOWED_USERS or ALLOWED_GROUPS.`);
  }
  const props: GrantProps = { subject: user.subject, ...(user.email === undefined ? {} : { email: user.email }), emailVerified: user.emailVerified, groups: user.groups };
  const { redirectTo } = await oauth.completeAuthorization({
    request: original,
    userId: encodeURIComponent(user.subject),
    metadata: { label: user.email ?? user.subject },
    scope: original.scope,
    props,
  });
  headers.set('location', redirectTo);
  return new Response(null, { status: 302, headers });
}

/** Turns the library's and the upstream's typed failures into a page a person can act on. */
export function authorizeFailure(err: unknown): Response {
  if (err instanceof AuthorizationError) {
    if (err.redirectTo !== undefined) return Response.redirect(err.redirectTo, 302);
    return refusalPage(400, 'This sign-in request cannot be used', `${err.description} (${err.code}). Start connecting from your app again.`);
  }
  if (err instanceof CimdFetchError) return refusalPage(400, 'This app could not be verified', `Its client metadata document ${err.metadataUrl} could not be used: ${err.detail}.`);
  if (err instanceof UpstreamLoginError) return refusalPage(502, 'Sign-in with your identity provider failed', `${err.detail}. The admin finds the provider's settings in the Worker's wrangler.toml (UPSTREAM_OIDC_*).`);
  throw err;
}
