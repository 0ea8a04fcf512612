// Graceful stop at the HTTP level: once draining, new MCP requests get 503 (with Connection: close),
// while POSTs already accepted are counted until their response is finished, so a shutdown can wait
// for them. Counting requests rather than tool calls also covers a call still being parsed or
// validated when the signal came. Long-lived GET streams are not work and are not waited for.
import type { FastifyInstance } from 'fastify';
import { InFlight } from '../observability/in-flight.ts';

export class RequestDrain {
  #draining = false;
  readonly #requests = new InFlight();

  get active(): number {
    return this.#requests.count;
  }

  /** Adds the hook to `app`; call before the routes it should cover are registered. */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/mcp')) return;
      if (this.#draining) {
        void reply.header('connection', 'close').header('retry-after', '5');
        return reply.status(503).send({ jsonrpc: '2.0', error: { code: -32003, message: 'The gateway is shutting down; retry in a few seconds.' }, id: null });
      }
      if (request.method !== 'POST') return;
      this.#requests.enter();
      reply.raw.once('close', () => this.#requests.leave());
    });
  }

  /** Refuses new work from now on; resolves true once accepted requests are done, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    this.#draining = true;
    return this.#requests.whenIdle(timeoutMs);
  }
}
