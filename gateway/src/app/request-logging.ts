// Fastify's per-request log lines ("incoming request", "request completed"), at info except for
// routes marked quiet: health and readiness probes and the status site's pages, assets and polled
// data, which would otherwise fill a terminal with two lines every few seconds. Those are logged at
// debug (LOG_LEVEL=debug shows them); their errors stay at error.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Log this route's requests at debug, not info. */
    quietRequestLog?: boolean;
  }
}

/** Route options that make a route's request lines debug-level. */
export const QUIET_REQUEST_LOG = { config: { quietRequestLog: true } } as const;

function isQuiet(request: FastifyRequest): boolean {
  return request.routeOptions.config?.quietRequestLog === true;
}

export class QuietRoutesLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (!isQuiet(request)) return super.incomingRequest(request, reply);
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error || !isQuiet(request)) return super.requestCompleted(error, request, reply);
    if (!this.isLogDisabled(request)) reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
