// The official MCP SDK client completes the whole OAuth flow against the real Worker in workerd —
// discovery from the 401, registration by Client ID Metadata Document and by dynamic registration,
// consent, upstream OIDC login, token, refresh — and then lists, calls and is told about changes
// through it, in both protocol eras, with the real `mcpbox up` behind it.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../gateway/test/support/gateway-fixture.ts';
import { connectThroughFront } from './support/connect-through-front.ts';
import { CLIENTS_ORIGIN, startFront, type FrontFixture } from './support/front-fixture.ts';
import { CLIENT_REDIRECT, HeadlessOAuthClient } from './support/oauth-client.ts';

let fx: FrontFixture;
// Generous: the gateway's first apply analyses the tools in Pyodide, slow on a loaded machine.
beforeAll(async () => {
  fx = await startFront();
}, 300_000);
afterAll(async () => {
  await fx?.close();
});

const CIMD_URL = `${CLIENTS_ORIGIN}/mcpbox-test-client.json`;

/** An admin's change on main (as a merge would be): every applied revision is a tools change event. */
function adminCommitToMain(message: string): void {
  const work = mkdtempSync(join(tmpdir(), 'mcpbox-admin-'));
  execFileSync('git', ['clone', '-q', join(fx.dataDir, 'repo.git'), work]);
  appendFileSync(join(work, 'README.md'), `\n${message}\n`);
  execFileSync('git', ['-C', work, '-c', 'user.name=admin', '-c', 'user.email=admin@example.com', 'commit', '-qam', message]);
  execFileSync('git', ['-C', work, 'push', '-q', 'origin', 'HEAD:main']);
}

function structured<T>(result: unknown): T {
  return (result as { structuredContent: T }).structuredContent;
}

describe('a client with a Client ID Metadata Document, 2026-07-28 era', () => {
  it('authorizes, lists, calls, refreshes with rotation and receives subscriptions/listen events', async () => {
    fx.metadataDocuments.set('/mcpbox-test-client.json', {
      client_id: CIMD_URL,
      client_name: 'Phone <img src=x onerror=alert(1)>',
      redirect_uris: [CLIENT_REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    const provider = new HeadlessOAuthClient({ clientMetadataUrl: CIMD_URL });
    const { client, authorized } = await connectThroughFront(fx.mcpUrl, provider, 'modern');
    try {
      expect(authorized).toBe(true);
      // Registered by its document: the client id is the URL, no dynamic registration happened.
      expect(provider.lastAuthorizationUrl?.searchParams.get('client_id')).toBe(CIMD_URL);
      expect(provider.lastAuthorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
      expect(provider.lastAuthorizationUrl?.searchParams.get('resource')).toBe(fx.mcpUrl);
      // The consent page names the client, escaped, with its verified domain.
      expect(provider.consentPage).toContain('Phone &#60;img src=x onerror=alert(1)&#62;');
      expect(provider.consentPage).not.toContain('<img');
      expect(provider.consentPage).toContain('Published by <strong>clients.test</strong>');
      expect(provider.consentPage).toContain(fx.mcpUrl);
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');

      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('examples__text_stats');
      const server = await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 'examples' } });
      expect(structured<{ id: string }>(server).id).toBe('examples');

      // Refresh: the access token stops working, the SDK refreshes and gets a new refresh token.
      const before = provider.tokens()!;
      provider.spoilAccessToken();
      const again = await client.listTools();
      expect(again.tools.length).toBe(tools.length);
      const after = provider.tokens()!;
      expect(after.access_token).not.toBe('spoiled');
      expect(after.refresh_token).toBeDefined();
      expect(after.refresh_token).not.toBe(before.refresh_token);

      let events = 0;
      client.setNotificationHandler('notifications/tools/list_changed', () => {
        events++;
      });
      const subscription = await client.listen({ toolsListChanged: true });
      expect(subscription.honoredFilter.toolsListChanged).toBe(true);
      adminCommitToMain('modern era change');
      await eventually(() => events > 0, 90_000, 'a subscriptions/listen tools event through the Worker');
      await subscription.close();
    } finally {
      await client.close();
    }
  }, 180_000);
});

describe('a client that registers dynamically, 2025-11-25 era', () => {
  it('registers, authorizes, lists, calls and receives tools/list_changed on its session stream', async () => {
    const provider = new HeadlessOAuthClient();
    const { client, transport, authorized } = await connectThroughFront(fx.mcpUrl, provider, 'legacy');
    try {
      expect(authorized).toBe(true);
      const clientId = provider.lastAuthorizationUrl?.searchParams.get('client_id') ?? '';
      expect(clientId).not.toMatch(/^https:/);
      expect(provider.clientInformation()?.client_id).toBe(clientId);
      expect(provider.consentPage).toContain('This app registered itself: its name is not verified.');
      expect(provider.consentPage).toContain('This sends access to an app on your computer.');
      expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      expect(transport.sessionId).toBeDefined();

      let changes = 0;
      client.setNotificationHandler('notifications/tools/list_changed', () => {
        changes++;
      });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('examples__text_stats');
      const modules = await client.callTool({ name: 'mcpbox_get_server_modules', arguments: {} });
      expect(structured<{ safe_modules: string[] }>(modules).safe_modules).toContain('json');

      await new Promise((r) => setTimeout(r, 300)); // the SDK opens the GET stream after initialize
      adminCommitToMain('legacy era change');
      await eventually(() => changes > 0, 90_000, 'tools/list_changed on the legacy session through the Worker');
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  }, 180_000);
});

describe('who the gateway sees', () => {
  it('the signed-in user is the caller in the execution log and the On-Behalf-Of trailer', async () => {
    const provider = new HeadlessOAuthClient();
    const { client } = await connectThroughFront(fx.mcpUrl, provider, 'modern');
    try {
      await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 'examples' } });
      const logs = await client.callTool({ name: 'mcpbox_get_tool_logs', arguments: { tool_id: 'mcpbox_get_server', limit: 1 } });
      expect(structured<{ calls: Array<{ caller: string }> }>(logs).calls[0]?.caller).toBe('alice@example.com');

      const created = await client.callTool({ name: 'mcpbox_create_server', arguments: { name: 'front_made', description: 'Made through the Worker' } });
      const { branch } = structured<{ branch: string }>(created);
      const message = execFileSync('git', ['-C', join(fx.dataDir, 'repo.git'), 'log', '-1', '--format=%B', branch], { encoding: 'utf8' });
      expect(message).toMatch(/^On-Behalf-Of: alice@example\.com$/m);
    } finally {
      await client.close();
    }
  });
});
