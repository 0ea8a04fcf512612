import { describe, expect, it } from 'vitest';
import { classifyPath, serverFilePath, sourceFilePath, toolCodePath, toolMetaPath } from '../../src/index.ts';

describe('repo paths', () => {
  it('builds the paths that classifyPath reads back', () => {
    expect(classifyPath(serverFilePath('weather'))).toEqual({ kind: 'server', server: 'weather' });
    expect(classifyPath(toolCodePath('weather', 'forecast'))).toEqual({ kind: 'tool_code', server: 'weather', tool: 'forecast' });
    expect(classifyPath(toolMetaPath('weather', 'forecast'))).toEqual({ kind: 'tool_meta', server: 'weather', tool: 'forecast' });
    expect(classifyPath(sourceFilePath('weather', 'upstream'))).toEqual({ kind: 'source', server: 'weather', source: 'upstream' });
  });

  it('ignores CI, licences and docs silently', () => {
    for (const path of ['.github/workflows/validate.yml', '.gitea/workflows/validate.yml', 'CODEOWNERS', 'README.md', 'LICENSE', '.gitignore', 'servers/weather/README.md', 'policy/.gitkeep']) {
      expect(classifyPath(path), path).toEqual({ kind: 'ignored' });
    }
  });

  it('gives a hint for everything else', () => {
    expect(classifyPath('servers/weather/tools/forecast.yml')).toMatchObject({ kind: 'unknown', hint: expect.stringContaining('servers/weather/tools/forecast.yaml') });
    expect(classifyPath('servers/weather/tools/forecast.js')).toMatchObject({ kind: 'unknown', hint: expect.stringContaining('`.py` file') });
    expect(classifyPath('servers/weather/tools/sub/x.py')).toMatchObject({ kind: 'unknown', hint: expect.stringContaining('sub-folders') });
    expect(classifyPath('servers/weather/notes.txt')).toMatchObject({ kind: 'unknown', hint: expect.stringContaining('server folder holds') });
    expect(classifyPath('policy/secrets.yaml')).toMatchObject({ kind: 'unknown', hint: expect.stringContaining('policy folder') });
    expect(classifyPath('docs/x.md')).toMatchObject({ kind: 'unknown' });
  });
});
