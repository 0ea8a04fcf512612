// Canonical YAML: parse → serialize of a canonical file gives back the same bytes, and serialize →
// parse gives back the same value, for the template's files and for generated values.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseModulesPolicy,
  parseNetworkPolicy,
  parseRepoConfig,
  parseServerFile,
  parseSourceFile,
  parseToolMeta,
  serializeModulesPolicy,
  serializeNetworkPolicy,
  serializeRepoConfig,
  serializeServerFile,
  serializeSourceFile,
  serializeToolMeta,
  type YamlFileResult,
} from '../../src/index.ts';

const template = new URL('../../../tools-repo-template/', import.meta.url);

interface Kind<T> {
  parse(content: string): YamlFileResult<T>;
  serialize(value: T): string;
}
const kinds = {
  config: { parse: (c: string) => parseRepoConfig(c), serialize: serializeRepoConfig },
  modules: { parse: (c: string) => parseModulesPolicy(c), serialize: serializeModulesPolicy },
  network: { parse: (c: string) => parseNetworkPolicy(c), serialize: serializeNetworkPolicy },
  server: { parse: (c: string) => parseServerFile(c, 'server.yaml'), serialize: serializeServerFile },
  tool: { parse: (c: string) => parseToolMeta(c, 't.yaml'), serialize: serializeToolMeta },
  source: { parse: (c: string) => parseSourceFile(c, 's.yaml'), serialize: serializeSourceFile },
};

function reparse<T>(kind: Kind<T>, content: string): T {
  const parsed = kind.parse(content);
  expect(parsed.problems, content).toEqual([]);
  return parsed.value as T;
}

/** Round trip in both directions; returns the canonical text. */
function roundTrip<T>(kind: Kind<T>, value: T): string {
  const text = kind.serialize(value);
  const back = reparse(kind, text);
  expect(back).toEqual(value);
  expect(kind.serialize(back)).toBe(text);
  return text;
}

/** A template file with its comment and blank lines removed is exactly what the serializer writes. */
function expectCanonicalTemplateFile<T>(path: string, kind: Kind<T>): void {
  const content = readFileSync(new URL(path, template), 'utf8');
  const canonical = content
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .join('\n')
    .concat('\n');
  expect(kind.serialize(reparse(kind, content))).toBe(canonical);
  expect(kind.serialize(reparse(kind, canonical))).toBe(canonical);
}

describe('template files are canonical once their comments are removed', () => {
  it('mcpbox.yaml', () => expectCanonicalTemplateFile('mcpbox.yaml', kinds.config));
  it('policy/modules.yaml', () => expectCanonicalTemplateFile('policy/modules.yaml', kinds.modules));
  it('policy/network.yaml', () => expectCanonicalTemplateFile('policy/network.yaml', kinds.network));
  it('servers/examples/server.yaml', () => expectCanonicalTemplateFile('servers/examples/server.yaml', kinds.server));
  it('servers/examples/tools/text_stats.yaml', () => expectCanonicalTemplateFile('servers/examples/tools/text_stats.yaml', kinds.tool));
});

describe('canonical layout', () => {
  it('writes a fixed key order whatever order the file had', () => {
    const value = reparse(kinds.tool, 'annotations:\n  openWorldHint: false\n  title: T\nenabled: false\ntimeout_ms: 2000\ndescription: D\n');
    expect(serializeToolMeta(value)).toBe('description: D\ntimeout_ms: 2000\nenabled: false\nannotations:\n  title: T\n  openWorldHint: false\n');
  });

  it('writes block style lists with two-space indent and a trailing newline', () => {
    const text = serializeNetworkPolicy({ grants: [{ server: 'weather', host: 'api.example.com', port: 443, reason: 'forecasts' }] });
    expect(text).toBe('grants:\n  - server: weather\n    host: api.example.com\n    port: 443\n    reason: forecasts\n');
    expect(serializeModulesPolicy({ allowed: [] })).toBe('allowed: []\n');
  });

  it('turns flow style and odd spacing into the canonical form', () => {
    const value = reparse(kinds.server, 'description:   "Weather"\nsecrets: [{name: KEY, description: k}]\n');
    expect(serializeServerFile(value)).toBe('description: Weather\nenabled: true\nsecrets:\n  - name: KEY\n    description: k\n');
  });
});

describe('generated values round-trip', () => {
  // A small deterministic generator: enough variety to hit YAML's quoting rules.
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed;
  };
  const pick = <T>(items: readonly T[]): T => items[next() % items.length] as T;
  const tricky = [
    'plain words', 'yes', 'no', 'null', '~', '123', '0x1F', '1e3', 'true', 'a: b', '- dash', '# hash', 'x #y', "it's", '"quoted"',
    'multi\nline\ntext', 'trailing newline\n', ' leading space', 'trailing space ', 'ünïcödé ✓', '{braces}', '[brackets]', '@at', '`tick`',
    '%percent', '&anchor', '*alias', '!tag', '|pipe', '>fold', 'x'.repeat(150), 'tab\tinside', 'colon:nospace',
  ];
  const text = (): string => {
    const value = pick(tricky).trim();
    return value === '' ? 'x' : value;
  };
  const maybe = <T>(make: () => T): T | undefined => (next() % 2 === 0 ? make() : undefined);
  const flag = (): boolean => next() % 2 === 0;

  it('for every kind', () => {
    for (let round = 0; round < 60; round++) {
      roundTrip(kinds.config, { apiVersion: 'mcpbox/v1', defaults: { timeout_ms: 1000 + (next() % 299_001), memory_mb: 64 + (next() % 1985) }, allow_empty: flag() });
      roundTrip(kinds.modules, { allowed: Array.from({ length: next() % 4 }, (_, i) => ({ name: `mod${i}.sub`, reason: text() })) });
      roundTrip(kinds.network, {
        grants: Array.from({ length: next() % 4 }, (_, i) => {
          const port = maybe(() => 1 + (next() % 65_535));
          return { server: `s${i}`, host: pick(['api.example.com', '10.0.0.1', '2001:db8::1']), ...(port ? { port } : {}), reason: text() };
        }),
      });
      roundTrip(kinds.server, { description: text(), enabled: flag(), secrets: Array.from({ length: next() % 3 }, (_, i) => ({ name: `KEY_${i}`, description: maybe(text) ?? '' })) });
      const annotations = { title: maybe(text), readOnlyHint: maybe(flag), destructiveHint: maybe(flag), idempotentHint: maybe(flag), openWorldHint: maybe(flag) };
      const defined = Object.fromEntries(Object.entries(annotations).filter(([, v]) => v !== undefined));
      const description = maybe(text);
      const timeout = maybe(() => 1000 + (next() % 1000));
      roundTrip(kinds.tool, {
        ...(description ? { description } : {}),
        ...(timeout ? { timeout_ms: timeout } : {}),
        enabled: flag(),
        ...(next() % 3 === 0 ? { annotations: defined } : {}),
      });
      roundTrip(kinds.source, {
        url: pick(['https://mcp.example.com/mcp', 'http://10.0.0.5:8080/mcp?x=1#y']),
        transport: 'streamable_http',
        auth: pick([{ type: 'none' }, { type: 'bearer', secret: 'TOKEN' }, { type: 'header', header: 'X-Api-Key', secret: 'KEY' }] as const),
      });
    }
  });
});
