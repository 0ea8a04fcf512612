// POST /webhooks/github and /webhooks/gitea (Gitea and Forgejo). A delivery is accepted only with a
// valid signature over the raw body, within the size cap, with a delivery id not seen before; then
// it pokes the reconciler and nothing else. Refusals say what was wrong without echoing secrets.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { claimedSignature, verifySignature, type WebhookSource } from './forge-signature.ts';
import { DeliveryGuard } from './delivery-guard.ts';
import type { PokeScheduler } from './poke-scheduler.ts';

const DEFAULT_WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface WebhookRouteOptions {
  secret: string;
  pokes: PokeScheduler;
  bodyLimit?: number;
  deliveries?: DeliveryGuard;
}

const EVENT_HEADERS: Record<WebhookSource, string[]> = { github: ['x-github-event'], gitea: ['x-forgejo-event', 'x-gitea-event', 'x-github-event'] };
const DELIVERY_HEADERS: Record<WebhookSource, string[]> = { github: ['x-github-delivery'], gitea: ['x-forgejo-delivery', 'x-gitea-delivery', 'x-github-delivery'] };

function first(request: FastifyRequest, names: string[]): string | undefined {
  for (const name of names) {
    const value = request.headers[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/** What the payload hints at, read only after the signature checked out; never acted on beyond "look now". */
function pushHint(raw: Buffer): { ref?: string; after?: string } {
  try {
    const body = JSON.parse(raw.toString('utf8')) as { ref?: unknown; after?: unknown; pull_request?: { merge_commit_sha?: unknown } };
    const after = typeof body.after === 'string' ? body.after : typeof body.pull_request?.merge_commit_sha === 'string' ? body.pull_request.merge_commit_sha : undefined;
    return { ...(typeof body.ref === 'string' ? { ref: body.ref } : {}), ...(after ? { after } : {}) };
  } catch {
    return {};
  }
}

export const webhookRoutes: FastifyPluginAsync<WebhookRouteOptions> = async (app, options) => {
  const bodyLimit = options.bodyLimit ?? DEFAULT_WEBHOOK_BODY_LIMIT;
  const deliveries = options.deliveries ?? new DeliveryGuard();
  // Raw bytes for every content type in this scope only: the HMAC is over exactly what was sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const message = status === 413 ? `Webhook body too large: the limit is ${bodyLimit} bytes.` : status < 500 ? error.message : 'Internal error while receiving the webhook.';
    void reply.status(status).send({ error: message });
  });

  const receive = (source: WebhookSource) => async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const check = verifySignature(options.secret, raw, claimedSignature(source, request.headers));
    if (!check.ok) {
      const header = source === 'github' ? 'X-Hub-Signature-256' : 'X-Gitea-Signature or X-Forgejo-Signature';
      const why = check.reason === 'missing' ? `no ${header} header` : check.reason === 'malformed' ? `a malformed ${header} header` : `a ${header} that does not match the body`;
      request.log.warn({ source, reason: check.reason }, 'webhook refused: bad signature');
      return reply.status(401).send({ error: `Webhook refused: ${why}. Set the webhook secret on the forge to MCPBOX_WEBHOOK_SECRET.` });
    }
    const delivery = first(request, DELIVERY_HEADERS[source]);
    if (delivery === undefined) return reply.status(400).send({ error: 'Webhook refused: no delivery id header (X-GitHub-Delivery, X-Gitea-Delivery or X-Forgejo-Delivery).' });
    if (!deliveries.accept(`${source}:${delivery}`)) {
      request.log.warn({ source, delivery }, 'webhook refused: replayed delivery');
      return reply.status(409).send({ error: `Webhook refused: delivery ${delivery} was already received.` });
    }
    const event = first(request, EVENT_HEADERS[source]) ?? 'unknown';
    if (event === 'ping') return reply.status(200).send({ status: 'pong' });
    if (event !== 'push' && event !== 'pull_request') return reply.status(202).send({ status: 'ignored', event });
    const hint = pushHint(raw);
    // Pushes to other branches do not change what is live; a merged pull request moves main.
    if (event === 'push' && hint.ref !== undefined && hint.ref !== 'refs/heads/main') return reply.status(202).send({ status: 'ignored', event, ref: hint.ref });
    options.pokes.poke(`webhook ${source} ${event} ${delivery}`, hint.after);
    return reply.status(202).send({ status: 'accepted', event });
  };

  app.post('/webhooks/github', receive('github'));
  app.post('/webhooks/gitea', receive('gitea'));
};
