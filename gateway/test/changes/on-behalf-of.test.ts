// The person behind a change reaches the commit: a trusted front (e.g. the OAuth worker) vouches
// for the user with its service token, and the gateway's commit carries `On-Behalf-Of: <user>`
// beside `MCP-Client:`; the pull request names both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startChangeGateway, type ChangeFixture } from './change-fixture.ts';

const FRONT_TOKEN = 'front-service-token-0123456789';
let fx: ChangeFixture;

beforeAll(async () => {
  fx = await startChangeGateway({ auth: { mode: 'none', bearerTokens: [], frontToken: FRONT_TOKEN, remoteToolEditing: true } });
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

describe('commits on behalf of an authenticated user', () => {
  it('names the user and the client in trailers and in the pull request', async () => {
    const client = await fx.client('claude-web', { 'X-MCPbox-Service-Token': FRONT_TOKEN, 'X-MCPbox-User': 'alice@example.com' });
    expect((await call(client, 'mcpbox_create_server', { name: 'alice_tools', description: "Alice's tools" })).isError).toBe(false);
    const created = await call(client, 'mcpbox_create_tool', { server_id: 'alice_tools', name: 'hello', python_code: 'async def main() -> dict:\n    return {"hi": True}\n' });
    expect(created.isError, created.text).toBe(false);
    const message = fx.git('log', '-1', '--format=%an <%ae>%n%B', 'refs/heads/mcpbox/draft/alice_tools');
    expect(message).toMatch(/^mcpbox <mcpbox@localhost>\ntool\(alice_tools\): add hello\n/);
    expect(message).toMatch(/^MCP-Client: claude-web\/1\.2\.3$/m);
    expect(message).toMatch(/^On-Behalf-Of: alice@example\.com$/m);
    // git itself reads them as trailers.
    expect(fx.git('log', '-1', '--format=%(trailers:key=On-Behalf-Of,valueonly)', 'refs/heads/mcpbox/draft/alice_tools').trim()).toBe('alice@example.com');
    const published = await call(client, 'mcpbox_request_publish', { server_id: 'alice_tools' });
    const pr = await fx.admin.getPullRequest({ number: published.data.pull_request as number });
    expect(pr.body).toMatch(/Proposed through mcpbox by MCP-Client: claude-web\/1\.2\.3, On-Behalf-Of: alice@example\.com\.$/);
  });

  it('without the front, a user header is refused rather than believed', async () => {
    await expect(fx.client('forger', { 'X-MCPbox-User': 'mallory@example.com' })).rejects.toThrow();
  });
});
