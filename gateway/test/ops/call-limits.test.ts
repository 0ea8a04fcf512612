// The parts of "running it for real" that need no child process: what the execution log keeps of a
// call (redaction by key words, not substrings; secret values; truncation markers), the per-server
// cap with its queue and "busy" answer, the token bucket, the argument cap and mcpbox_get_tool_logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { isCredentialKey, LOG_LIMITS, redactorFor } from '../../src/observability/log-redaction.ts';
import { ServerBusyError, ServerCallLimiter } from '../../src/observability/server-call-limiter.ts';
import { startOpsGateway, type OpsGateway } from './ops-fixture.ts';

describe('execution log redaction', () => {
  it.each(['password', 'api_key', 'apiKey', 'API-KEY', 'Authorization', 'x-api-key', 'db_password', 'accessToken', 'client_secret', 'token', 'refreshToken', 'privateKey', 'Cookie', 'secrets', 'bearer', 'session_id'])(
    'redacts the field %s',
    (key) => expect(isCredentialKey(key)).toBe(true),
  );

  it.each(['keyword', 'author', 'authority', 'tokenizer', 'keys', 'monkey', 'secretary', 'passage', 'session_count', 'text', 'primary_key_column'])(
    'keeps the field %s',
    (key) => expect(isCredentialKey(key)).toBe(false),
  );

  it('redacts nested fields and secret values wherever they appear, and cuts long values with a marker', () => {
    const redact = redactorFor(['sk-abcdef123456', 'pin1']);
    const args = JSON.parse(
      redact.args({ query: 'use sk-abcdef123456 please', keyword: 'weather', nested: { headers: { Authorization: 'Bearer x' } }, list: [{ password: 'p' }], short: 'pin1', long: 'x'.repeat(5000) }),
    ) as Record<string, unknown>;
    expect(args).toMatchObject({ query: 'use [REDACTED] please', keyword: 'weather', nested: { headers: { Authorization: '[REDACTED]' } }, list: [{ password: '[REDACTED]' }], short: '[REDACTED]' });
    expect(args['long']).toMatch(/^x{1000}…\[truncated 4000 characters\]$/);
    expect(redact.result({ a: 'y'.repeat(20_000) })).toMatch(/…\[truncated \d+ characters\]$/);
    expect(redact.text('z'.repeat(LOG_LIMITS.stdout + 5), LOG_LIMITS.stdout)).toMatch(/\[truncated 5 characters\]$/);
    expect(redact.text('', LOG_LIMITS.stdout)).toBeNull();
  });
});

describe('per-server concurrency cap', () => {
  it('runs at most N at once, queues up to M, and answers busy beyond', async () => {
    const limiter = new ServerCallLimiter(2, 1);
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const work = () =>
      new Promise<string>((resolve) => {
        running++;
        peak = Math.max(peak, running);
        release.push(() => {
          running--;
          resolve('done');
        });
      });
    const a = limiter.run('weather', work);
    const b = limiter.run('weather', work);
    const queued = limiter.run('weather', work);
    await expect(limiter.run('weather', work)).rejects.toThrow(ServerBusyError);
    await expect(limiter.run('weather', work)).rejects.toThrow(/Server "weather" is busy: 2 calls are running and 1 are queued/);
    // Another server has its own lane.
    const other = limiter.run('news', async () => 'other');
    expect(await other).toBe('other');
    while (release.length < 2) await new Promise((r) => setTimeout(r, 1));
    release.shift()!();
    expect(await a).toBe('done');
    while (release.length < 2) await new Promise((r) => setTimeout(r, 1));
    release.shift()!();
    release.shift()!();
    expect(await Promise.all([b, queued])).toEqual(['done', 'done']);
    expect(peak).toBe(2);
  });
});

describe('limits and logs through MCP', () => {
  let g: OpsGateway;
  let client: Client;
  beforeAll(async () => {
    g = await startOpsGateway({ limits: { maxArgumentBytes: 2048 } });
    client = new Client({ name: 'ops-limits', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(g.url)));
  });
  afterAll(async () => {
    await client.close();
    await g.close();
  });

  it('refuses oversized arguments before running anything, and logs the refusal', async () => {
    const result = await client.callTool({ name: 'mcpbox_get_tool', arguments: { tool_id: 'x'.repeat(4000) } });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]?.text).toMatch(/are 40\d\d bytes; the limit is 2048/);
    const [entry] = g.logs.query({ tool: 'mcpbox_get_tool', limit: 1 });
    expect(entry?.success).toBe(false);
    expect(entry?.argsJson).toMatch(/…\[truncated 3000 characters\]/);
  });

  it('mcpbox_get_tool_logs returns recent calls newest first, flags tests, and caps limit at 100', async () => {
    await client.callTool({ name: 'mcpbox_list_servers', arguments: {} });
    await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 'examples', api_key: 'should-not-matter' } });
    await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 'nope' } });
    const logs = await client.callTool({ name: 'mcpbox_get_tool_logs', arguments: { tool_id: 'mcpbox_get_server', limit: 5 } });
    expect(logs.isError).toBeFalsy();
    const calls = (logs.structuredContent as { calls: Array<{ success: boolean; arguments: Record<string, unknown>; caller: string; is_test: boolean; error: string | null }> }).calls;
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ success: false, arguments: { server_id: 'nope' }, caller: 'local', is_test: false });
    expect(calls[0]?.error).toMatch(/nope/);
    expect(calls[1]?.arguments).toEqual({ server_id: 'examples', api_key: '[REDACTED]' });
    const tooMany = await client.callTool({ name: 'mcpbox_get_tool_logs', arguments: { tool_id: 'mcpbox_get_server', limit: 101 } });
    expect(tooMany.isError).toBe(true);
    expect((tooMany.content as Array<{ text: string }>)[0]?.text).toMatch(/limit is at most 100/);
  });

  it('serves Prometheus metrics with calls by tool and outcome', async () => {
    const text = await (await fetch(`${g.origin}/metrics`)).text();
    expect(text).toMatch(/mcpbox_tool_calls_total\{tool="mcpbox_get_server",outcome="error"\} 1/);
    expect(text).toMatch(/mcpbox_tool_calls_total\{tool="mcpbox_get_tool",outcome="refused"\} 1/);
    expect(text).toMatch(/mcpbox_tool_call_duration_seconds_bucket\{le="0.005",tool="mcpbox_list_servers"\}/);
  });
});
