// Secret exfiltration. A server's secret values are redacted from results, output and errors — in
// the child and again in the parent — including trivial encodings; and they never reach another
// server's child.

import { describe, expect, it } from 'vitest';
import { secretNeedles } from '../../src/secrets/redact.ts';
import { attackSuite, plain, type AttackCase } from './harness.ts';

const SECRET = 'sk-live-9f8e7d6c5b4a';
const secrets = { API_KEY: SECRET, SHORT: 'abc', PIN: '90210377' };
const needles = secretNeedles({ API_KEY: SECRET });
const leakFree = (r: unknown) => {
  const text = JSON.stringify(r);
  for (const n of needles) expect(text).not.toContain(n);
};

const cases: AttackCase[] = [
  { name: 'return it', code: plain("return secrets['API_KEY']"), outcome: /^"\[REDACTED\]"$/ },
  { name: 'return it inside a sentence', code: plain("return 'key=' + secrets['API_KEY'] + '!'"), outcome: /^"key=\[REDACTED\]!"$/ },
  { name: 'as a dict key', code: plain("return {secrets['API_KEY']: 1}"), outcome: /^\{"\[REDACTED\]":1\}$/ },
  { name: 'nested in a list', code: plain("return [[{'k': secrets['API_KEY']}]]"), outcome: /REDACTED/ },
  { name: 'print it', code: plain("print(secrets['API_KEY'])\nreturn 1"), outcome: /^1$/, check: (r) => expect(r.stdout).toBe('[REDACTED]\n') },
  { name: 'print it to stderr', code: plain("import sys\nprint(secrets['API_KEY'], file=sys.stderr)\nreturn 1"), policy: 'escaped', outcome: /^1$/, check: (r) => expect(r.stdout).toBe('[REDACTED]\n') },
  { name: 'in an exception message', code: plain("raise ValueError('bad key ' + secrets['API_KEY'])"), outcome: /^ValueError: bad key \[REDACTED\]$/ },
  { name: 'in the traceback too', code: plain("k = secrets['API_KEY']\nraise RuntimeError(k)"), outcome: /REDACTED/, check: (r) => expect(r.error?.traceback).toContain('[REDACTED]') },
  { name: 'printed, then failing (error path stdout)', code: plain("print(secrets['API_KEY'])\n1/0"), outcome: /^ZeroDivisionError/, check: (r) => expect(r.stdout).toBe('[REDACTED]\n') },
  { name: 'base64', code: plain("import base64\nreturn base64.b64encode(secrets['API_KEY'].encode()).decode()"), outcome: /^"\[REDACTED\]"$/ },
  { name: 'base64 without padding', code: plain("import base64\nreturn base64.b64encode(secrets['API_KEY'].encode()).decode().rstrip('=')"), outcome: /^"\[REDACTED\]"$/ },
  { name: 'urlsafe base64', code: plain("import base64\nreturn base64.urlsafe_b64encode(secrets['API_KEY'].encode()).decode()"), outcome: /REDACTED/ },
  { name: 'base64 of a longer text containing it', code: plain("import base64\nreturn base64.b64encode(('Authorization: Bearer ' + secrets['API_KEY']).encode()).decode()"), outcome: /REDACTED/ },
  { name: 'hex', code: plain("return secrets['API_KEY'].encode().hex()"), outcome: /^"\[REDACTED\]"$/ },
  { name: 'upper-case hex', code: plain("return secrets['API_KEY'].encode().hex().upper()"), outcome: /^"\[REDACTED\]"$/ },
  { name: 'reversed', code: plain("return secrets['API_KEY'][::-1]"), outcome: /^"\[REDACTED\]"$/ },
  { name: 'upper-cased', code: plain("return secrets['API_KEY'].upper()"), outcome: /^"\[REDACTED\]"$/ },
  { name: 'percent-encoded', code: plain("from urllib.parse import quote\nreturn quote(secrets['API_KEY'], safe='')"), outcome: /REDACTED/ },
  { name: 'as bytes (base64 result rule)', code: plain("return secrets['API_KEY'].encode()"), outcome: /^"\[REDACTED\]"$/ },
  { name: 'as a number', code: plain("return int(secrets['PIN'])"), outcome: /^"\[REDACTED\]"$/ },
  { name: 'as the error type name', code: plain("raise type(secrets['API_KEY'], (Exception,), {})('x')"), outcome: /^\[REDACTED\]: x$/ },
  { name: 'secrets mapping is read-only', code: plain("secrets['API_KEY'] = 'x'"), outcome: /^TypeError/ },
  { name: 'values shorter than 4 characters are not redacted (documented)', code: plain("return secrets['SHORT']"), outcome: /^"abc"$/ },
];

describe('adversarial: secret exfiltration', () => {
  attackSuite('secrets', cases.map((c) => ({
    ...c, secrets,
    check: (r) => { c.check?.(r); leakFree(r); },
  })));
});

describe('adversarial: secrets stay with their server', () => {
  const t = attackSuite('other', []);
  // Finding an object without a reference to it (gc.get_objects) is refused for every tool, so what
  // is left to look in is shared state: a module attribute a call planted, and the environment.
  const LOOK = plain(
    "import gc, json, os\ntry:\n    walk = len(gc.get_objects())\nexcept RuntimeError as e:\n    walk = str(e)\n" +
    "return [walk, getattr(json, '_stash', None), os.environ.get('API_KEY')]",
  );
  const REFUSED = "gc.get_objects is not available to tools: it hands out the runtime's own objects and frames";

  it('another server cannot find them in its process', async () => {
    await t.sandbox.run({ domain: { kind: 'live' }, server: 'owner', tool: 'x', code: plain("import json\njson._stash = secrets['API_KEY']\nreturn 1"), args: {}, secrets, policy: { allowedModules: [], grants: [] } });
    const r = await t.sandbox.run({ domain: { kind: 'live' }, server: 'other', tool: 'x', code: LOOK, args: {}, policy: { allowedModules: ['gc', 'os'], grants: [] } });
    expect(r.result).toEqual([REFUSED, null, null]);
  });

  it('a call does not keep secrets for later calls of the same server', async () => {
    await t.sandbox.run({ domain: { kind: 'live' }, server: 'owner2', tool: 'x', code: plain("import json\njson._stash = secrets['API_KEY']\nreturn 1"), args: {}, secrets, policy: { allowedModules: [], grants: [] } });
    const r = await t.sandbox.run({ domain: { kind: 'live' }, server: 'owner2', tool: 'x', code: LOOK, args: {}, policy: { allowedModules: ['gc', 'os'], grants: [] } });
    expect(r.result).toEqual([REFUSED, null, null]);
  });
});
