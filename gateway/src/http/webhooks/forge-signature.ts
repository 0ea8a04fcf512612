// Webhook signatures of the three forges, all HMAC-SHA256 of the raw body with the shared secret:
// GitHub `X-Hub-Signature-256: sha256=<hex>`, Gitea `X-Gitea-Signature: <hex>`, Forgejo
// `X-Forgejo-Signature: <hex>` (both also send GitHub's header). Compared in constant time over
// the exact bytes received: a re-serialised body would not match.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookSource = 'github' | 'gitea';

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The hex digest the sender claims, from the headers its forge uses. */
export function claimedSignature(source: WebhookSource, headers: Headers): string | undefined {
  const hub = header(headers, 'x-hub-signature-256');
  const fromHub = hub === undefined ? undefined : hub.startsWith('sha256=') ? hub.slice('sha256='.length) : '';
  if (source === 'github') return fromHub;
  return header(headers, 'x-forgejo-signature') ?? header(headers, 'x-gitea-signature') ?? fromHub;
}

export function signBody(secret: string, raw: Buffer | string): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

export function verifySignature(secret: string, raw: Buffer, claimed: string | undefined): SignatureCheck {
  if (claimed === undefined || claimed === '') return { ok: false, reason: 'missing' };
  if (!/^[0-9a-f]{64}$/i.test(claimed)) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(claimed, 'hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
