// parseRepoFiles: a whole revision's files → DesiredState, with every problem on its file and line.
import { describe, expect, it } from 'vitest';
import { SAFE_MODULES } from '@mcpbox/sandbox';
import { parseRepoFiles, type DesiredState, type Problem, type RepoFile } from '../../src/index.ts';
import { file, readRepoDir } from './repo-dir.ts';

const templateDir = new URL('../../../tools-repo-template/', import.meta.url).pathname;
const CONFIG = file('mcpbox.yaml', 'apiVersion: mcpbox/v1\n');
const SERVER = file('servers/weather/server.yaml', 'description: Weather\nsecrets:\n  - name: API_KEY\n');
const TOOL = file('servers/weather/tools/forecast.py', 'async def main(city: str) -> dict:\n    return {"city": city}\n');

const parse = (...files: RepoFile[]): DesiredState => parseRepoFiles('rev1', files, { safeModules: SAFE_MODULES });
const errors = (state: DesiredState): Problem[] => state.problems.filter((p) => p.severity === 'error');
const messages = (state: DesiredState): string[] => state.problems.map((p) => `${p.severity} ${p.file}:${p.line ?? ''} ${p.message}`);

describe('the template', () => {
  it('parses with zero errors and zero warnings into one example tool', () => {
    const files = readRepoDir(templateDir);
    const state = parse(...files);
    expect(messages(state)).toEqual([]);
    expect(Object.keys(state.servers)).toEqual(['examples']);
    const tool = state.servers['examples']?.tools['text_stats'];
    expect(tool).toMatchObject({ id: 'examples__text_stats', codePath: 'servers/examples/tools/text_stats.py', metaPath: 'servers/examples/tools/text_stats.yaml' });
    expect(tool?.meta).toMatchObject({ timeout_ms: 5000, enabled: true, annotations: { readOnlyHint: true } });
    expect(state.blobs['README.md']).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(state.blobs)).toHaveLength(files.length);
  });

  it('has the CI workflows and CODEOWNERS the format promises', () => {
    const paths = readRepoDir(templateDir).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['.github/workflows/validate.yml', '.gitea/workflows/validate.yml', 'CODEOWNERS', 'README.md']));
    const workflow = readRepoDir(templateDir).find((f) => f.path === '.github/workflows/validate.yml');
    expect(workflow?.content).toContain('mcpbox validate .');
    expect(workflow?.content).toContain('pull_request');
  });
});

describe('a valid revision', () => {
  it('builds servers, tools, sources and policies', () => {
    const state = parse(
      CONFIG,
      SERVER,
      TOOL,
      file('servers/weather/tools/forecast.yaml', 'description: Forecast\ntimeout_ms: 10000\n'),
      file('servers/weather/sources/upstream.yaml', 'url: https://mcp.example.com/mcp\nauth:\n  type: bearer\n  secret: API_KEY\n'),
      file('policy/network.yaml', 'grants:\n  - server: weather\n    host: api.example.com\n    reason: forecasts\n'),
      file('policy/modules.yaml', 'allowed:\n  - name: yaml\n    reason: parses configs\n'),
    );
    expect(messages(state)).toEqual([]);
    expect(state.revision).toBe('rev1');
    expect(state.config.defaults).toEqual({ timeout_ms: 30000, memory_mb: 256 });
    const server = state.servers['weather'];
    expect(server).toMatchObject({ name: 'weather', path: 'servers/weather/server.yaml', blob: SERVER.blob, description: 'Weather', enabled: true });
    expect(server?.secrets).toEqual([{ name: 'API_KEY', description: '' }]);
    expect(server?.tools['forecast']).toMatchObject({ server: 'weather', name: 'forecast', id: 'weather__forecast', code: TOOL.content, codeBlob: TOOL.blob, meta: { description: 'Forecast', timeout_ms: 10000, enabled: true } });
    expect(server?.sources['upstream']).toMatchObject({ server: 'weather', name: 'upstream', url: 'https://mcp.example.com/mcp', auth: { type: 'bearer', secret: 'API_KEY' } });
    expect(state.network.grants).toHaveLength(1);
    expect(state.modules.allowed).toEqual([{ name: 'yaml', reason: 'parses configs' }]);
  });

  it('ignores CI, docs and licence files silently and anything else with a warning', () => {
    const state = parse(CONFIG, SERVER, TOOL, file('.github/workflows/x.yml', 'x'), file('LICENSE', 'MIT'), file('servers/weather/README.md', '# hi'), file('notes.txt', 'x'), file('servers/weather/server.yml', 'x'));
    expect(errors(state)).toEqual([]);
    expect(state.problems.map((p) => [p.file, p.severity])).toEqual([
      ['notes.txt', 'warning'],
      ['servers/weather/server.yml', 'warning'],
    ]);
    expect(state.problems[1]?.message).toContain('rename it to `servers/weather/server.yaml`');
  });
});

describe('whole-repo checks', () => {
  it('requires mcpbox.yaml', () => {
    const state = parse(SERVER, TOOL);
    expect(errors(state)).toEqual([{ file: 'mcpbox.yaml', severity: 'error', message: expect.stringContaining('missing `mcpbox.yaml`') }]);
  });

  it('refuses tools whose server has no server.yaml', () => {
    const state = parse(CONFIG, file('servers/orphan/tools/x.py', 'async def main():\n    return 1\n'));
    expect(errors(state)).toMatchObject([{ file: 'servers/orphan/tools/x.py', line: 1, message: expect.stringContaining('has no `servers/orphan/server.yaml`') }]);
    expect(state.servers).toEqual({});
  });

  it('reports bad and colliding names on the file that carries them', () => {
    const state = parse(
      CONFIG,
      SERVER,
      TOOL,
      file('servers/weather/tools/Forecast.py', 'async def main():\n    return 1\n'),
      file('servers/weather/tools/my__tool.py', 'async def main():\n    return 1\n'),
      file('servers/-x/server.yaml', 'description: x\n'),
    );
    const byFile = errors(state).map((p) => [p.file, p.message]);
    expect(byFile).toEqual(
      expect.arrayContaining([
        ['servers/-x/server.yaml', expect.stringContaining('must start with a lower-case letter')],
        ['servers/weather/tools/Forecast.py', expect.stringContaining('collides with `forecast`')],
        ['servers/weather/tools/Forecast.py', expect.stringContaining('upper-case')],
        ['servers/weather/tools/my__tool.py', expect.stringContaining('double underscore')],
      ]),
    );
    expect(Object.keys(state.servers['weather']?.tools ?? {})).toEqual(['forecast']);
  });

  it('refuses public ids longer than MCP clients accept', () => {
    const server = 's'.repeat(64);
    const state = parse(CONFIG, file(`servers/${server}/server.yaml`, 'description: x\n'), file(`servers/${server}/tools/${'t'.repeat(64)}.py`, 'async def main():\n    pass\n'));
    expect(errors(state)[0]?.message).toContain('at most 128');
  });

  it('leaves Python (the shape of `main`) to the sandbox\'s analyzer', () => {
    for (const code of ['def main(x):\n    return x\n', 'def helper():\n    pass\n', 'class X:\n    async def main(self):\n        pass\n']) {
      const state = parse(CONFIG, SERVER, file('servers/weather/tools/forecast.py', code));
      expect(errors(state), code).toEqual([]);
      expect(Object.keys(state.servers['weather']?.tools ?? {})).toEqual(['forecast']);
    }
  });

  it('checks the file of the code and keeps a failing file from the analyzer', () => {
    const cases: Array<[string, string, number]> = [
      ['   \n\n', 'tool code is empty', 1],
      ['async def main():\n    return "a\u0000b"\n', 'NUL byte', 2],
      ['async def main():\n    return "\uFFFD"\n', 'not valid UTF-8', 2],
      [`async def main():\n    return 1\n${'#'.repeat(100 * 1024)}\n`, 'the limit is 100 KB', 1],
    ];
    for (const [code, message, line] of cases) {
      const state = parse(CONFIG, SERVER, file('servers/weather/tools/forecast.py', code));
      expect(errors(state), code.slice(0, 40)).toMatchObject([{ file: 'servers/weather/tools/forecast.py', line, message: expect.stringContaining(message) }]);
      expect(state.servers['weather']?.tools['forecast'], code.slice(0, 40)).toBeUndefined();
    }
  });

  it('accepts a byte-order mark before the code', () => {
    expect(errors(parse(CONFIG, SERVER, file('servers/weather/tools/forecast.py', '\uFEFFasync def main():\n    return 1\n')))).toEqual([]);
  });

  it('accepts decorators, comments and code around an async main', () => {
    const code = '"""Doc."""\nimport json\n\n# def main(): old version\nasync def main(x: int = 1) -> dict:\n    def main_helper():\n        pass\n    return {}\n';
    expect(errors(parse(CONFIG, SERVER, file('servers/weather/tools/forecast.py', code)))).toEqual([]);
  });

  it('refuses a tool .yaml without its .py', () => {
    const state = parse(CONFIG, SERVER, TOOL, file('servers/weather/tools/ghost.yaml', 'enabled: true\n'));
    expect(errors(state)).toMatchObject([{ file: 'servers/weather/tools/ghost.yaml', line: 1, message: expect.stringContaining('has no `ghost.py` beside it') }]);
  });

  it('refuses grants for unknown servers, with a suggestion', () => {
    const state = parse(CONFIG, SERVER, TOOL, file('policy/network.yaml', 'grants:\n  - server: weather\n    host: a.com\n    reason: r\n  - server: wether\n    host: a.com\n    reason: r\n'));
    expect(errors(state)).toMatchObject([{ file: 'policy/network.yaml', line: 5, col: 13, message: expect.stringContaining('did you mean `weather`?') }]);
  });

  it('warns about modules that are in the safe set already, only when told the safe set', () => {
    const modules = file('policy/modules.yaml', 'allowed:\n  - name: yaml\n    reason: r\n  - name: json\n    reason: r\n');
    const state = parse(CONFIG, SERVER, TOOL, modules);
    expect(state.problems).toMatchObject([{ file: 'policy/modules.yaml', line: 4, col: 11, severity: 'warning', message: expect.stringContaining('built-in safe set') }]);
    expect(parseRepoFiles('rev', [CONFIG, SERVER, TOOL, modules]).problems).toEqual([]);
  });

  it('refuses sources that use undeclared secrets', () => {
    const state = parse(CONFIG, SERVER, TOOL, file('servers/weather/sources/up.yaml', 'url: https://x.com/mcp\nauth:\n  type: bearer\n  secret: TOKEN\n'));
    expect(errors(state)).toMatchObject([{ file: 'servers/weather/sources/up.yaml', line: 4, col: 11, message: expect.stringContaining('secret `TOKEN` is not declared') }]);
  });

  it('keeps going after a broken file and falls back to defaults', () => {
    const state = parse(file('mcpbox.yaml', 'apiVersion: [\n'), SERVER, TOOL, file('policy/network.yaml', ': : :\n'));
    expect([...new Set(errors(state).map((p) => p.file))]).toEqual(['mcpbox.yaml', 'policy/network.yaml']);
    expect(state.config.defaults.timeout_ms).toBe(30000);
    expect(state.network.grants).toEqual([]);
    expect(state.servers['weather']?.tools['forecast']).toBeDefined();
  });

  it('sorts problems by file and line', () => {
    const state = parse(file('servers/b/tools/x.py', 'def main(): pass\n'), file('servers/a/tools/y.py', 'def main(): pass\n'));
    const files = state.problems.map((p) => p.file);
    expect(files).toEqual([...files].sort());
  });
});
