// What a person sees who opens /mcp in a browser (the URL `mcpbox up` prints): a short page saying
// this is an MCP endpoint and how to connect a client, instead of a JSON-RPC error. MCP clients never
// ask for HTML (their GETs accept text/event-stream), so the two cannot be confused.
import type { FastifyRequest } from 'fastify';

/** A browser navigation: it accepts HTML and is not an MCP client opening its event stream. */
export function isBrowserNavigation(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !accept.includes('text/event-stream');
}

/** The page; `origin` is the request's own (Host already passed the allow-list), serialised by URL. */
export function mcpEndpointPage(origin: string): string {
  // URL serialisation leaves no character that HTML would read as markup in a host and fixed path.
  const endpoint = new URL('/mcp', origin).href;
  const status = new URL('/status/', origin).href;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>mcpbox MCP endpoint</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}code,pre{background:#f3f4f6;border-radius:4px}pre{padding:.75rem;overflow-x:auto}</style>
</head><body>
<h1>This is mcpbox's MCP endpoint</h1>
<p>It speaks the Model Context Protocol to MCP clients, not to browsers. Connect a client to <code>${endpoint}</code>:</p>
<pre>claude mcp add --transport http mcpbox ${endpoint}</pre>
<p>or, in a client's JSON config:</p>
<pre>{
  "mcpServers": {
    "mcpbox": { "type": "http", "url": "${endpoint}" }
  }
}</pre>
<p>What is live, pending and failing: the <a href="${status}">status site</a>.</p>
</body></html>
`;
}
