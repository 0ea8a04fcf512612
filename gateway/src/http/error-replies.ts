// What a client sees when a request fails outside MCP's own handling: a JSON-RPC error body with
// a message saying what was wrong, never a stack trace. Server-side failures are logged in full.
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

const LIMIT_HINT = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

export interface ErrorReplyOptions {
  bodyLimit: number;
}

const errorRepliesPlugin: FastifyPluginAsync<ErrorReplyOptions> = async (app, { bodyLimit }) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    let message: string;
    let code = -32600;
    if (status === 413) {
      message = `Request body too large: the limit is ${LIMIT_HINT(bodyLimit)}.`;
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      message = 'Unsupported Content-Type: send JSON-RPC as application/json.';
    } else if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      code = -32700;
      message = 'Parse error: the request body is not valid JSON.';
    } else if (status < 500) {
      message = error.message;
    } else {
      request.log.error({ err: error }, 'request failed');
      code = -32603;
      message = 'Internal error on the gateway (details are in the gateway log).';
    }
    void reply.status(status).send({ jsonrpc: '2.0', error: { code, message }, id: null });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: `Not found: ${request.method} ${request.url}. The MCP endpoint is /mcp.` });
  });
};

// The error and not-found handlers apply to the whole app, not only inside this plugin.
export const errorReplies = fastifyPlugin(errorRepliesPlugin);
