// runner/http_client.py in real Pyodide, talking to the real bridge over the JSON contract of
// host-http.ts, and from there to a real server on 127.0.0.1. Pyodide runs in-process here only
// to test the Python side; in production the client runs inside the server's child process.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPyodide, type PyodideInterface } from 'pyodide';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerHostHttp, createHttpBridge } from '../../src/network/index.ts';
import { startServer, type TestServer } from './fixtures.ts';

const CLIENT_SOURCE = readFileSync(fileURLToPath(new URL('../../src/runner/http_client.py', import.meta.url)), 'utf8');

let py: PyodideInterface;
let web: TestServer;
const requestsSeen: unknown[] = [];

beforeAll(async () => {
  web = await startServer();
  web.route('/missing', (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('nope');
  });
  web.route('/bytes', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.from([0, 255, 1, 254]));
  });
  web.route('/latin1', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' });
    res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café"
  });
  web.route('/hang', () => {});

  py = await loadPyodide();
  const bridge = createHttpBridge();
  const grants = [{ host: '127.0.0.1', port: web.port }];
  // What the runtime provides to Python: a function from JSON string to JSON string.
  const hostHttp = (requestJson: string) => {
    requestsSeen.push(JSON.parse(requestJson));
    return answerHostHttp(bridge, 'lab', grants, requestJson);
  };
  py.globals.set('host_http', hostHttp);
  py.runPython(`${CLIENT_SOURCE}\nhttp = create_http(host_http)\nBASE = "http://127.0.0.1:${web.port}"`);
}, 120_000);

afterAll(async () => {
  await web?.close();
});

/** Run an async Python snippet whose last statement assigns `out`; returns `out` as JSON. */
async function python(snippet: string): Promise<any> {
  const body = snippet
    .trim()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  const text = await py.runPythonAsync(`import json as _j\nasync def _case():\n${body}\n    return _j.dumps(out)\n_j_result = await _case()\n_j_result`);
  return JSON.parse(text as string);
}

describe('http_client.py over the bridge', () => {
  it('GETs with params and headers; the response reads like httpx', async () => {
    const out = await python(`
r = await http.get(BASE + "/items?a=1", params={"q": "x y", "tags": ["t1", "t2"], "skip": None}, headers={"X-Key": "k"})
body = r.json()
out = {"status": r.status_code, "path": body["path"], "key": body["headers"]["x-key"],
       "ctype": r.headers["Content-Type"], "has": "CONTENT-TYPE" in r.headers, "url": r.url, "ok": r.is_success}`);
    expect(out).toEqual({
      status: 200,
      path: '/items?a=1&q=x+y&tags=t1&tags=t2',
      key: 'k',
      ctype: 'application/json',
      has: true,
      url: `http://127.0.0.1:${web.port}/items?a=1&q=x+y&tags=t1&tags=t2`,
      ok: true,
    });
  });

  it('POSTs json= as application/json', async () => {
    const out = await python(`
r = await http.post(BASE + "/create", json={"name": "x", "n": [1, 2]})
b = r.json()
out = {"method": b["method"], "ctype": b["headers"]["content-type"], "body": b["body"]}`);
    expect(out.method).toBe('POST');
    expect(out.ctype).toBe('application/json');
    expect(JSON.parse(out.body)).toEqual({ name: 'x', n: [1, 2] });
  });

  it('sends data= dicts as a form', async () => {
    const out = await python(`
r = await http.put(BASE + "/form", data={"a": "1", "b": ["x", "y"]})
b = r.json()
out = [b["method"], b["headers"]["content-type"], b["body"]]`);
    expect(out).toEqual(['PUT', 'application/x-www-form-urlencoded', 'a=1&b=x&b=y']);
  });

  it('sends non-UTF-8 bytes through base64 unchanged', async () => {
    await python(`
r = await http.patch(BASE + "/raw", content=bytes([0, 200, 255, 10]))
out = r.status_code`);
    expect(web.requests.at(-1)!.body).toEqual(Buffer.from([0, 200, 255, 10]));
    expect((requestsSeen.at(-1) as { bodyEncoding: string }).bodyEncoding).toBe('base64');
  });

  it('gives binary bodies as bytes', async () => {
    const out = await python(`
r = await http.get(BASE + "/bytes")
out = list(r.content)`);
    expect(out).toEqual([0, 255, 1, 254]);
  });

  it('decodes .text with the declared charset', async () => {
    const out = await python(`
r = await http.get(BASE + "/latin1")
out = r.text`);
    expect(out).toBe('café');
  });

  it('raise_for_status raises HttpStatusError for a 404', async () => {
    const out = await python(`
r = await http.delete(BASE + "/missing", params={"key": "s3cret"})
try:
    r.raise_for_status()
    out = "no error"
except HttpStatusError as e:
    out = [type(e).__name__, str(e), e.response.status_code, isinstance(e, HttpError)]`);
    expect(out).toEqual(['HttpStatusError', `client error 404 Not Found for http://127.0.0.1:${web.port}`, 404, true]);
  });

  it('raises HttpError with the bridge message and code when the host is not granted', async () => {
    const out = await python(`
try:
    await http.get("https://api.example.com/v1")
    out = "no error"
except HttpError as e:
    out = [e.code, str(e)]`);
    expect(out[0]).toBe('not_granted');
    expect(out[1]).toContain("ask for it with mcpbox_request_network_access (server 'lab', host 'api.example.com', port 443, justification)");
  });

  it('passes timeout= in seconds to the bridge', async () => {
    const out = await python(`
try:
    await http.get(BASE + "/hang", timeout=0.2)
    out = "no error"
except HttpError as e:
    out = e.code`);
    expect(out).toBe('timeout');
    expect((requestsSeen.at(-1) as { timeoutMs: number }).timeoutMs).toBe(200);
  });

  it('refuses two bodies at once before calling the bridge', async () => {
    const before = requestsSeen.length;
    const out = await python(`
try:
    await http.post(BASE + "/x", json={"a": 1}, content="b")
    out = "no error"
except HttpError as e:
    out = [e.code, str(e)]`);
    expect(out).toEqual(['bad_request', 'pass only one of json=, data= or content=']);
    expect(requestsSeen.length).toBe(before);
  });
});
