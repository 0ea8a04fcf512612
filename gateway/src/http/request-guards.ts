// DNS-rebinding protection for every route: the Host header must name this gateway and a browser
// Origin, when present, must be allowed. Rejections are 403 with a JSON-RPC error (SDK hooks).
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { hostHeaderValidation, originValidation } from '@modelcontextprotocol/fastify';

export interface RequestGuardOptions {
  allowedHosts: string[];
  allowedOrigins: string[];
}

const requestGuardsPlugin: FastifyPluginAsync<RequestGuardOptions> = async (app, options) => {
  app.addHook('onRequest', hostHeaderValidation(options.allowedHosts));
  app.addHook('onRequest', originValidation(options.allowedOrigins));
};

// The guards must cover routes registered outside this plugin too: fastify-plugin opts it out of
// Fastify's encapsulation.
export const requestGuards = fastifyPlugin(requestGuardsPlugin);
