// Connecting the official MCP SDK client to the Worker the way a remote client does: the first
// attempt meets the 401 challenge and the SDK runs discovery, registration and authorization (the
// provider plays the person), then it connects again with the token.
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import type { HeadlessOAuthClient } from './oauth-client.ts';

export type Era = 'legacy' | 'modern';

export interface Connected {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** Whether this connection had to authorize first. */
  authorized: boolean;
}

function open(url: string, provider: HeadlessOAuthClient, era: Era): Connected {
  const client = new Client({ name: 'front-test', version: '1.0.0' }, { versionNegotiation: { mode: era === 'legacy' ? 'legacy' : { pin: '2026-07-28' } } });
  return { client, transport: new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }), authorized: false };
}

export async function connectThroughFront(url: string, provider: HeadlessOAuthClient, era: Era): Promise<Connected> {
  const first = open(url, provider, era);
  try {
    await first.client.connect(first.transport);
    return first;
  } catch (err) {
    if (!(err instanceof UnauthorizedError) || provider.callback === undefined) throw err;
  }
  await first.transport.finishAuth(provider.callback);
  await first.client.close().catch(() => {});
  const second = open(url, provider, era);
  await second.client.connect(second.transport);
  return { ...second, authorized: true };
}
