// `mcpbox stdio` beside a running `mcpbox up` on the same data dir: instead of a second reconciler
// and sandbox on the same store, relay the stdio connection to that gateway's /mcp, as the local
// operator. Each JSON-RPC message from stdin goes to the SDK's Streamable HTTP client transport,
// each message it receives (responses, the legacy GET stream's list_changed, a modern
// subscriptions/listen stream's events) goes to stdout. The era is whatever the stdio client
// speaks: the transport derives the 2026-07-28 headers from each request's envelope, and for the
// 2025 era keeps the session id and the negotiated version as the client's initialize set them.
// stdout carries only the protocol; the bridge logs to stderr.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import {
  INTERNAL_ERROR,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  PROTOCOL_VERSION_META_KEY,
  type JSONRPCMessage,
  type RequestId,
  type Transport,
} from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { LOCAL_OPERATOR_HEADER } from '../auth/authenticator.ts';
import { isProcessAlive, type RunningGateway } from '../app/running-gateway.ts';
import { DepthGuardedTransport } from '../mcp/message-depth.ts';

/** How often the bridge checks that the gateway it relays to still runs. */
const GATEWAY_WATCH_INTERVAL_MS = 2_000;

interface BridgeOptions {
  gateway: RunningGateway;
  logger: Logger;
  /** Defaults to this process's stdin/stdout. */
  local?: Transport;
}

interface StdioBridge {
  /** Resolves when the stdio connection has ended (stdin closed, or the gateway stopped). */
  readonly ended: Promise<string>;
  close(): Promise<void>;
}

export async function bridgeToGateway(options: BridgeOptions): Promise<StdioBridge> {
  const { gateway, logger } = options;
  // Too-deep requests are answered here (-32602), as the embedded transport and the HTTP route do.
  const local = options.local ?? new DepthGuardedTransport(new StdioServerTransport());
  const remote = new StreamableHTTPClientTransport(new URL(gateway.url), {
    requestInit: { headers: { [LOCAL_OPERATOR_HEADER]: gateway.localOperatorToken } },
  });
  // 2025-era initialize requests in flight: their response fixes the version header of what follows.
  const initializing = new Set<RequestId>();
  // 2026-era requests in flight: cancelling one means closing its stream, not POSTing a notification.
  const modernInFlight = new Map<RequestId, AbortController>();

  let finish!: (reason: string) => void;
  const ended = new Promise<string>((resolve) => (finish = resolve));
  let closing: Promise<void> | null = null;

  const toClient = (message: JSONRPCMessage): void => {
    if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id !== undefined) {
      modernInFlight.delete(message.id);
      if (initializing.delete(message.id) && isJSONRPCResultResponse(message)) {
        const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
        if (typeof version === 'string') remote.setProtocolVersion(version);
      }
    }
    local.send(message).catch((err: unknown) => logger.debug({ err }, 'could not write to stdout'));
  };

  const failed = (id: RequestId, err: unknown): void => {
    modernInFlight.delete(id);
    initializing.delete(id);
    toClient({ jsonrpc: '2.0', id, error: gatewayError(err, gateway) });
  };

  const toGateway = (message: JSONRPCMessage): void => {
    if (isJSONRPCRequest(message)) {
      if (message.method === 'initialize') initializing.add(message.id);
      const envelope = (message.params?._meta as Record<string, unknown> | undefined)?.[PROTOCOL_VERSION_META_KEY];
      const abort = typeof envelope === 'string' ? new AbortController() : null;
      if (abort !== null) modernInFlight.set(message.id, abort);
      remote.send(message, abort === null ? undefined : { requestSignal: abort.signal }).catch((err: unknown) => {
        if (abort?.signal.aborted !== true) failed(message.id, err);
      });
      return;
    }
    if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
      const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      const abort = requestId === undefined ? undefined : modernInFlight.get(requestId);
      if (abort !== undefined) {
        modernInFlight.delete(requestId!);
        abort.abort();
        return;
      }
    }
    // Notifications and responses (to a 2025-era server request) have no answer to relay.
    remote.send(message).catch((err: unknown) => logger.warn({ err: describe(err) }, 'the gateway did not take a message from the stdio client'));
  };

  const close = (reason: string): Promise<void> => {
    closing ??= (async () => {
      clearInterval(watch);
      for (const abort of modernInFlight.values()) abort.abort();
      // A 2025-era session is ended on the gateway too, so it does not wait for its idle timeout.
      await remote.terminateSession().catch(() => undefined);
      await remote.close().catch(() => undefined);
      await local.close().catch(() => undefined);
      finish(reason);
    })();
    return closing;
  };

  remote.onmessage = toClient;
  remote.onerror = (err) => logger.debug({ err: describe(err) }, 'gateway transport');
  local.onmessage = toGateway;
  local.onerror = (err) => logger.warn({ err: err.message }, 'unreadable message on stdin');
  local.onclose = () => void close('end of input');

  // The gateway's stop removes its record and ends its streams; a bridge without it has nothing to
  // relay to, so it ends and the client sees its server exit (started again, it runs embedded).
  const watch = setInterval(() => {
    if (isProcessAlive(gateway.pid)) return;
    logger.warn({ pid: gateway.pid, url: gateway.url }, 'the gateway this stdio connection was bridged to has stopped; ending the connection');
    void close('gateway stopped');
  }, GATEWAY_WATCH_INTERVAL_MS);
  watch.unref();

  await remote.start();
  await local.start();
  logger.info({ pid: gateway.pid, url: gateway.url }, 'bridging stdio to the running gateway as the local operator');
  return { ended, close: () => close('closed') };
}

/** A JSON-RPC error for a request the gateway did not answer: its own error when it sent one. */
function gatewayError(err: unknown, gateway: RunningGateway): { code: number; message: string } {
  const text = (err as { data?: { text?: unknown } })?.data?.text;
  if (typeof text === 'string') {
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code === 'number' && typeof body.error.message === 'string') return { code: body.error.code, message: body.error.message };
    } catch {
      // not a JSON-RPC body; described below
    }
  }
  return { code: INTERNAL_ERROR, message: `The mcpbox gateway at ${gateway.url} (pid ${gateway.pid}) did not answer: ${describe(err)}` };
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } })?.cause?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof cause === 'string' ? `${message} (${cause})` : message;
}
