// The local operator's credential (what `mcpbox up` writes into gateway.json for the stdio bridge):
// accepted in every auth mode from this machine only, refused with one clear reason otherwise.
import { describe, expect, it } from 'vitest';
import { Authenticator } from '../src/auth/authenticator.ts';
import type { AuthSettings } from '../src/auth/auth-settings.ts';

const TOKEN = 'local-operator-credential-0123456789abcdef';
const REFUSAL = {
  ok: false,
  status: 403,
  message: "X-MCPbox-Local-Operator is accepted only from this machine, with the credential of the running gateway (in its data dir's gateway.json, new at every start): restart `mcpbox stdio`.",
};
const base = { authorization: undefined, frontToken: undefined, frontUser: undefined, peerAddress: '127.0.0.1', resourceMetadataUrl: 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp' };

const modes: AuthSettings[] = [
  { mode: 'none', bearerTokens: [], remoteToolEditing: false },
  { mode: 'bearer', bearerTokens: [{ name: 'ci', token: 'ci-token-0123456789abcdef' }], remoteToolEditing: false },
  { mode: 'oidc', bearerTokens: [], oidc: { issuer: 'http://127.0.0.1:1/issuer', audience: 'mcpbox', jwksUrl: 'http://127.0.0.1:1/jwks' }, remoteToolEditing: false },
];

describe.each(modes)('the local-operator credential with MCPBOX_AUTH=$mode', (settings) => {
  const auth = new Authenticator(settings, TOKEN);

  it('is the local operator from loopback (v4, v6, mapped)', async () => {
    for (const peerAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect(await auth.authenticate({ ...base, peerAddress, localOperator: TOKEN })).toEqual({ ok: true, identity: { name: 'local-operator', kind: 'local-operator', remote: false } });
    }
  });

  it('is refused from another host, with a wrong value, or through the front', async () => {
    expect(await auth.authenticate({ ...base, peerAddress: '10.0.0.7', localOperator: TOKEN })).toEqual(REFUSAL);
    expect(await auth.authenticate({ ...base, localOperator: `${TOKEN}x` })).toEqual(REFUSAL);
    expect(await auth.authenticate({ ...base, localOperator: TOKEN, frontToken: 'front-token-0123456789abcdef' })).toEqual(REFUSAL);
  });
});

it('a gateway that wrote no credential accepts none', async () => {
  const auth = new Authenticator({ mode: 'none', bearerTokens: [], remoteToolEditing: false });
  expect(await auth.authenticate({ ...base, localOperator: TOKEN })).toEqual(REFUSAL);
});
