// The JSON conversation between a tool's `http` client (runner/http_client.py, in the child) and
// the bridge (here, in the parent). The child forwards the string it got from Python; the parent
// answers with a string. Plain JSON both ways, so Python never holds a JavaScript object.
//
//   request:  HttpRequest as JSON
//   reply:    {"ok": true, "response": HttpResponse} | {"ok": false, "error": {"code", "message"}}

import type { HttpBridge } from './bridge.ts';
import { HttpBridgeError, type HostGrant, type HttpBridgeErrorCode, type HttpResponse } from './types.ts';

export type HostHttpReply =
  | { ok: true; response: HttpResponse }
  | { ok: false; error: { code: HttpBridgeErrorCode; message: string } };

/** Answer one `host_http(request_json)` call from the child. Never throws. */
export async function answerHostHttp(
  bridge: HttpBridge,
  server: string,
  grants: readonly HostGrant[],
  requestJson: string,
  signal?: AbortSignal,
): Promise<string> {
  let reply: HostHttpReply;
  try {
    let parsed: unknown;
    try {
      parsed = JSON.parse(requestJson);
    } catch {
      throw new HttpBridgeError('bad_request', 'the http request is not valid JSON');
    }
    reply = { ok: true, response: await bridge.request(server, grants, parsed, signal) };
  } catch (err) {
    const error =
      err instanceof HttpBridgeError ? err : new HttpBridgeError('connect_failed', 'the request failed unexpectedly');
    reply = { ok: false, error: { code: error.code, message: error.message } };
  }
  return JSON.stringify(reply);
}
