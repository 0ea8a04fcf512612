// Each YAML file kind: what it accepts, the defaults it fills, and how it words its problems.
import { describe, expect, it } from 'vitest';
import {
  parseModulesPolicy,
  parseNetworkPolicy,
  parseRepoConfig,
  parseServerFile,
  parseSourceFile,
  parseToolMeta,
  type Problem,
} from '../../src/index.ts';

const only = (problems: Problem[]): Problem => {
  expect(problems).toHaveLength(1);
  return problems[0] as Problem;
};

describe('mcpbox.yaml', () => {
  it('fills defaults', () => {
    const parsed = parseRepoConfig('apiVersion: mcpbox/v1\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toEqual({ apiVersion: 'mcpbox/v1', defaults: { timeout_ms: 30000, memory_mb: 256 }, allow_empty: false });
  });

  it('names a wrong type with the expected range and what was there', () => {
    const problem = only(parseRepoConfig('apiVersion: mcpbox/v1\ndefaults:\n  timeout_ms: fast\n').problems);
    expect(problem).toMatchObject({ file: 'mcpbox.yaml', line: 3, col: 15, severity: 'error' });
    expect(problem.message).toBe('`defaults.timeout_ms` must be a whole number of milliseconds between 1000 and 300000, got "fast"');
  });

  it('suggests the key that was meant', () => {
    const problem = only(parseRepoConfig('apiVersion: mcpbox/v1\nallow_emtpy: true\n').problems);
    expect(problem).toMatchObject({ line: 2, col: 1 });
    expect(problem.message).toBe('unknown key `allow_emtpy` — did you mean `allow_empty`?');
  });

  it('lists the allowed keys when nothing is close', () => {
    const problem = only(parseRepoConfig('apiVersion: mcpbox/v1\nzzz: 1\n').problems);
    expect(problem.message).toContain('the keys allowed here are `apiVersion`, `defaults`, `allow_empty`');
  });

  it('refuses other format versions and says which one it reads', () => {
    const problem = only(parseRepoConfig('apiVersion: mcpbox/v2\n').problems);
    expect(problem).toMatchObject({ line: 1, col: 13 });
    expect(problem.message).toContain('must be `mcpbox/v1`');
    expect(problem.message).toContain('got "mcpbox/v2"');
  });

  it('reports YAML syntax errors, tabs and duplicate keys with their position', () => {
    expect(only(parseRepoConfig('apiVersion: mcpbox/v1\ndefaults:\n\ttimeout_ms: 1000\n').problems)).toMatchObject({ line: 3, col: 1, message: expect.stringContaining('tab') });
    expect(only(parseRepoConfig('apiVersion: mcpbox/v1\napiVersion: mcpbox/v1\n').problems)).toMatchObject({ line: 2, message: expect.stringContaining('key `apiVersion` appears twice') });
    const broken = parseRepoConfig('apiVersion: [mcpbox/v1\n');
    expect(broken.value).toBeUndefined();
    expect(broken.problems[0]?.message).toMatch(/^YAML syntax error/);
  });

  it('says when the file is empty or not a mapping', () => {
    expect(only(parseRepoConfig('').problems).message).toMatch(/^the file is empty: `apiVersion` is required/);
    expect(only(parseRepoConfig('# only a comment\n').problems).message).toMatch(/^the file is empty/);
    expect(only(parseRepoConfig('- a\n').problems).message).toContain('must be a YAML mapping');
    expect(only(parseRepoConfig('just text\n').problems).message).toContain('got a single value ("just text")');
  });
});

describe('policy/modules.yaml', () => {
  it('reads grants and refuses duplicates and package names', () => {
    expect(parseModulesPolicy('allowed:\n  - name: yaml\n    reason: parses configs\n').value).toEqual({ allowed: [{ name: 'yaml', reason: 'parses configs' }] });
    const dup = only(parseModulesPolicy('allowed:\n  - name: yaml\n    reason: a\n  - name: yaml\n    reason: b\n').problems);
    expect(dup).toMatchObject({ line: 4, col: 11, message: expect.stringContaining('listed twice') });
    const pkg = only(parseModulesPolicy('allowed:\n  - name: paho-mqtt\n    reason: a\n').problems);
    expect(pkg.message).toContain('not the pip package name');
  });

  it('requires a reason for every grant', () => {
    const problem = only(parseModulesPolicy('allowed:\n  - name: yaml\n').problems);
    expect(problem).toMatchObject({ line: 2, col: 5 });
    expect(problem.message).toMatch(/^`allowed\[0\]\.reason` is required/);
  });

  it('treats an empty file as no grants', () => {
    expect(parseModulesPolicy('').value).toEqual({ allowed: [] });
  });
});

describe('policy/network.yaml', () => {
  it('reads grants with and without ports', () => {
    const parsed = parseNetworkPolicy('grants:\n  - server: weather\n    host: api.open-meteo.com\n    reason: forecasts\n  - server: weather\n    host: 10.0.0.2\n    port: 8123\n    reason: local\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.value?.grants).toEqual([
      { server: 'weather', host: 'api.open-meteo.com', reason: 'forecasts' },
      { server: 'weather', host: '10.0.0.2', port: 8123, reason: 'local' },
    ]);
  });

  it('refuses URLs as hosts, bad ports and duplicate grants', () => {
    const url = only(parseNetworkPolicy('grants:\n  - server: w\n    host: https://x.com\n    reason: r\n').problems);
    expect(url).toMatchObject({ line: 3, col: 11, message: 'host `https://x.com` is a URL — write only the host name (e.g. `x.com`) and put a port in `port`' });
    const port = only(parseNetworkPolicy('grants:\n  - server: w\n    host: x.com\n    port: 0\n    reason: r\n').problems);
    expect(port.message).toBe('`grants[0].port` must be a whole number between 1 and 65535, got 0');
    const dup = only(parseNetworkPolicy('grants:\n  - server: w\n    host: x.com\n    reason: r\n  - server: w\n    host: x.com\n    reason: r2\n').problems);
    expect(dup).toMatchObject({ line: 6, message: expect.stringContaining('duplicate grant') });
  });
});

describe('servers/<server>/server.yaml', () => {
  it('fills defaults and refuses bad secret names', () => {
    expect(parseServerFile('description: Weather\n', 's.yaml').value).toEqual({ description: 'Weather', enabled: true, secrets: [] });
    const problem = only(parseServerFile('description: x\nsecrets:\n  - name: api-key\n', 's.yaml').problems);
    expect(problem).toMatchObject({ file: 's.yaml', line: 3, col: 11, message: expect.stringContaining('upper case') });
  });

  it('points at a misspelt key inside a list item', () => {
    const problem = only(parseServerFile('description: x\nsecrets:\n  - name: KEY\n    desciption: y\n', 's.yaml').problems);
    expect(problem).toMatchObject({ line: 4, col: 5 });
    expect(problem.message).toBe('unknown key `desciption` in `secrets[0]` — did you mean `description`?');
  });
});

describe('servers/<server>/tools/<tool>.yaml', () => {
  it('accepts an empty file and MCP annotations', () => {
    expect(parseToolMeta('', 't.yaml').value).toEqual({ enabled: true });
    const parsed = parseToolMeta('timeout_ms: 5000\nannotations:\n  readOnlyHint: true\n', 't.yaml');
    expect(parsed.value).toEqual({ timeout_ms: 5000, enabled: true, annotations: { readOnlyHint: true } });
  });

  it('refuses unknown annotations and wrong types', () => {
    expect(only(parseToolMeta('annotations:\n  readonlyHint: true\n', 't.yaml').problems).message).toContain('did you mean `readOnlyHint`?');
    expect(only(parseToolMeta('enabled: "yes"\n', 't.yaml').problems).message).toBe('`enabled` must be true or false, got "yes"');
    expect(only(parseToolMeta('timeout_ms: 999\n', 't.yaml').problems).message).toContain('got 999');
  });
});

describe('servers/<server>/sources/<name>.yaml', () => {
  it('reads the auth variants into the model shape', () => {
    expect(parseSourceFile('url: https://mcp.example.com/mcp\n', 'x.yaml').value).toEqual({ url: 'https://mcp.example.com/mcp', transport: 'streamable_http', auth: { type: 'none' } });
    expect(parseSourceFile('url: https://x.com/mcp\nauth:\n  type: header\n  header: X-Api-Key\n  secret: KEY\n', 'x.yaml').value?.auth).toEqual({ type: 'header', header: 'X-Api-Key', secret: 'KEY' });
  });

  it('refuses non-http URLs, credentials in URLs and incomplete auth', () => {
    expect(only(parseSourceFile('url: ftp://x.com/\n', 'x.yaml').problems).message).toContain('http:// or https://');
    expect(only(parseSourceFile('url: https://u:p@x.com/\n', 'x.yaml').problems).message).toContain('without credentials');
    const missing = only(parseSourceFile('url: https://x.com/\nauth:\n  type: bearer\n', 'x.yaml').problems);
    expect(missing).toMatchObject({ line: 3, col: 9, message: expect.stringContaining('needs `secret`') });
    expect(only(parseSourceFile('url: https://x.com/\ntransport: sse\n', 'x.yaml').problems).message).toContain('`streamable_http`');
  });
});

describe('typo echoes', () => {
  it('reports a misspelt required key once, as the typo', () => {
    const problems = parseServerFile('desciption: Weather\n', 's.yaml').problems;
    expect(problems.map((p) => p.message)).toEqual(['unknown key `desciption` — did you mean `description`?']);
  });

  it('still reports a required key when the unknown key is something else', () => {
    const problems = parseServerFile('zzz: Weather\n', 's.yaml').problems;
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('`description` is required'),
      expect.stringContaining('unknown key `zzz`'),
    ]);
  });
});

describe('documents', () => {
  it('refuses a second YAML document in one file', () => {
    const problem = only(parseServerFile('description: a\n---\ndescription: b\n', 's.yaml').problems);
    expect(problem).toMatchObject({ line: 2, message: expect.stringContaining('more than one YAML document') });
  });

  it('does not expand alias bombs', () => {
    // Each level refers ten times to the level before: 10^9 strings if expanded.
    const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const lines = levels.map((name, i) => {
      const items = i === 0 ? Array(10).fill('"x"') : Array(10).fill(`*${levels[i - 1]}`);
      return `${name}: &${name} [${items.join(',')}]`;
    });
    const bomb = [...lines, 'description: x'].join('\n');
    const parsed = parseServerFile(`${bomb}\n`, 's.yaml');
    expect(parsed.value).toBeUndefined();
    expect(parsed.problems[0]?.message).toContain('could not be read');
  });
});
