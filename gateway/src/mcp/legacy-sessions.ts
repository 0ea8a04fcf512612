// The 2025-era leg of /mcp: sessionful Streamable HTTP (Mcp-Session-Id, GET SSE stream) so legacy
// clients receive `notifications/tools/list_changed` when the live registry changes. The SDK's
// stateless legacy fallback cannot push anything, which is why this leg is wired by hand.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, type Server } from '@modelcontextprotocol/server';

interface Session {
  server: Server;
  transport: NodeStreamableHTTPServerTransport;
  lastSeen: number;
  openStreams: number; // GET streams now open: a client listening for notifications is not idle
}

export interface LegacySessionOptions {
  maxSessions?: number; // default 1000
  idleMs?: number; // a session with no request and no open stream this long is closed; default 1 h
}

export class LegacySessions {
  private readonly sessions = new Map<string, Session>();
  private readonly newServer: () => Server;
  private readonly maxSessions: number;
  private readonly idleMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(newServer: () => Server, options: LegacySessionOptions = {}) {
    this.newServer = newServer;
    this.maxSessions = options.maxSessions ?? 1000;
    this.idleMs = options.idleMs ?? 3_600_000;
    this.sweeper = setInterval(() => void this.closeIdle(), Math.min(60_000, this.idleMs));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId !== undefined) {
      const session = this.sessions.get(sessionId);
      if (session === undefined) {
        return sendJsonRpcError(res, 404, -32001, 'Session not found: it expired or the gateway restarted. Start a new session with initialize.');
      }
      session.lastSeen = Date.now();
      if (req.method === 'GET') {
        session.openStreams++;
        res.once('close', () => {
          session.openStreams--;
          session.lastSeen = Date.now();
        });
      }
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendJsonRpcError(res, 400, -32000, 'Bad Request: no Mcp-Session-Id header. Send initialize first (2025 protocol), or use the 2026-07-28 protocol, which needs no session.');
    }
    if (this.sessions.size >= this.maxSessions) {
      return sendJsonRpcError(res, 503, -32000, 'Too many open sessions on this gateway. Close unused sessions (DELETE /mcp) or try again later.');
    }
    const server = this.newServer();
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { server, transport, lastSeen: Date.now(), openStreams: 0 });
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Tells every open legacy session that the tool list changed. */
  notifyToolsChanged(): void {
    for (const session of this.sessions.values()) {
      // A session whose stream is gone just misses the event; it re-lists on reconnect.
      session.server.sendToolListChanged().catch(() => {});
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(open.map((s) => s.server.close()));
  }

  private async closeIdle(): Promise<void> {
    const cutoff = Date.now() - this.idleMs;
    for (const [id, session] of this.sessions) {
      if (session.openStreams === 0 && session.lastSeen < cutoff) {
        this.sessions.delete(id);
        await session.server.close().catch(() => {});
      }
    }
  }
}

export function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
