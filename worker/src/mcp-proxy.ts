// /mcp, after the library has checked the access token (audience = this resource): the user is
// checked against the allow-list again (removing someone takes effect at once), tools/call needs a
// verified e-mail, and the request goes to the gateway with the service token and the user. The
// body of a POST is read once to see its method; responses, SSE streams included, pass through.
import { GrantProps } from './grant-props.ts';
import { isAllowedUser } from './user-allow-list.ts';
import type { WorkerConfig, WorkerEnv } from './worker-config.ts';

/** The gateway's names for them (gateway/src/auth/authenticator.ts). */
const SERVICE_TOKEN_HEADER = 'x-mcpbox-service-token';
const USER_HEADER = 'x-mcpbox-user';

// Hop-by-hop headers, the client's credentials for this front, and browser context the gateway
// must not judge (this front already authenticated the caller).
const NOT_FORWARDED = ['authorization', 'cookie', 'origin', 'referer', 'host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'cf-connecting-ip', 'x-forwarded-for'];

function jsonRpcError(status: number, code: number, message: string, id: unknown = null): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id }, { status, headers: { 'cache-control': 'no-store' } });
}

/** Methods of a JSON-RPC message or batch, with the id of the first tools/call (for the refusal). */
function callsTool(body: unknown): { calls: boolean; id: unknown } {
  const messages = Array.isArray(body) ? body : [body];
  for (const m of messages) {
    if (typeof m === 'object' && m !== null && (m as { method?: unknown }).method === 'tools/call') return { calls: true, id: (m as { id?: unknown }).id ?? null };
  }
  return { calls: false, id: null };
}

export async function proxyMcp(request: Request, env: WorkerEnv, config: WorkerConfig, rawProps: unknown): Promise<Response> {
  if (request.headers.has(USER_HEADER) || request.headers.has(SERVICE_TOKEN_HEADER)) {
    return jsonRpcError(400, -32600, 'X-MCPbox-User and X-MCPbox-Service-Token are set by this front, never by a client: remove them from the request.');
  }
  const parsed = GrantProps.safeParse(rawProps);
  if (!parsed.success) return jsonRpcError(401, -32001, 'This access token carries no usable user; connect again to sign in.');
  const props = parsed.data;
  if (!isAllowedUser(config.users, { ...(props.email === undefined ? {} : { email: props.email }), groups: props.groups }, props.emailVerified)) {
    return jsonRpcError(403, -32001, `${props.email ?? props.subject} is no longer allowed to use this mcpbox; ask its admin (ALLOWED_USERS / ALLOWED_GROUPS).`);
  }

  let body: string | null = null;
  if (request.method === 'POST') {
    body = await request.text();
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      message = null; // the gateway answers malformed JSON itself
    }
    const call = callsTool(message);
    if (call.calls && !props.emailVerified) {
      return jsonRpcError(403, -32001, `Calling tools needs a verified e-mail address, and your identity provider has not verified ${props.email ?? 'one for you'}. Listing works; verify your e-mail there and connect again.`, call.id);
    }
  }
  return forward(request, env, config, body, { [SERVICE_TOKEN_HEADER]: config.serviceToken, [USER_HEADER]: props.email ?? props.subject });
}

/** A gateway path an admin chose to pass through, as it is: no service token, the gateway's own auth applies. */
export async function passThrough(request: Request, env: WorkerEnv, config: WorkerConfig): Promise<Response> {
  if (request.headers.has(USER_HEADER) || request.headers.has(SERVICE_TOKEN_HEADER)) {
    return jsonRpcError(400, -32600, 'X-MCPbox-User and X-MCPbox-Service-Token are set by this front, never by a client: remove them from the request.');
  }
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.arrayBuffer();
  return forward(request, env, config, body, {}, true);
}

async function forward(request: Request, env: WorkerEnv, config: WorkerConfig, body: BodyInit | null, added: Record<string, string>, keepAuthorization = false): Promise<Response> {
  const incoming = new URL(request.url);
  const target = new URL(incoming.pathname + incoming.search, `${config.gatewayUrl}/`);
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    if (!NOT_FORWARDED.includes(name) && !name.startsWith('x-mcpbox-')) headers.set(name, value);
  }
  // On pass-through paths the caller speaks to the gateway's own auth, so its credential goes along.
  const authorization = request.headers.get('authorization');
  if (keepAuthorization && authorization !== null) headers.set('authorization', authorization);
  for (const [name, value] of Object.entries(added)) headers.set(name, value);
  const outgoing = new Request(target, { method: request.method, headers, body, redirect: 'manual', signal: request.signal });
  let response: Response;
  try {
    response = env.GATEWAY !== undefined ? await env.GATEWAY.fetch(outgoing) : await fetch(outgoing);
  } catch (err) {
    console.error(`gateway unreachable at ${config.gatewayUrl}: ${(err as Error).message}`);
    return jsonRpcError(502, -32603, 'The mcpbox gateway behind this front cannot be reached right now; try again shortly (the admin checks the tunnel and `mcpbox up`).');
  }
  const out = new Headers(response.headers);
  out.delete('set-cookie');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: out });
}
