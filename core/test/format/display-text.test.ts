// Text safe to show a person: control characters become visible escapes, and invisible and
// bidirectional characters are found with their line, column and name (CVE-2021-42574).
import { describe, expect, it } from 'vitest';
import { findBidiControls, findHiddenCharacters, parseRepoFiles, visibleText, type RepoFile } from '../../src/index.ts';
import { file } from './repo-dir.ts';

describe('visibleText', () => {
  it('shows C0, DEL and C1 controls visibly, so nothing can move the cursor or erase', () => {
    expect(visibleText('a\u001b[2Jb\u0008c\rd\u007fe\u0085f\u009b31m')).toBe('a^[[2Jb^Hc^Md^?e<U+0085>f<U+009B>31m');
  });

  it('keeps line feeds and tabs only where the context allows them', () => {
    expect(visibleText('x\n\ty')).toBe('x^J^Iy');
    expect(visibleText('x\n\ty', { newlines: true, tabs: true })).toBe('x\n\ty');
  });

  it('replaces bidi and invisible characters by their code point unless asked not to', () => {
    expect(visibleText('a\u202eb\u200bc\u{E0041}d')).toBe('a<U+202E>b<U+200B>c<U+E0041>d');
    expect(visibleText('a\u202eb', { hidden: false })).toBe('a\u202eb');
    // Emoji variation selectors are not flagged: they cannot hide or reorder text.
    expect(visibleText('\u2764\uFE0F')).toBe('\u2764\uFE0F');
  });
});

describe('findHiddenCharacters', () => {
  it('names each one with its line and column', () => {
    expect(findHiddenCharacters('ok\nx = 1\u200b\n\n# \u2066admin\u2069\u{E0067}')).toEqual([
      { line: 2, col: 6, codePoint: 0x200b, kind: 'invisible', name: 'U+200B ZERO WIDTH SPACE' },
      { line: 4, col: 3, codePoint: 0x2066, kind: 'bidi', name: 'U+2066 LEFT-TO-RIGHT ISOLATE' },
      { line: 4, col: 9, codePoint: 0x2069, kind: 'bidi', name: 'U+2069 POP DIRECTIONAL ISOLATE' },
      { line: 4, col: 10, codePoint: 0xe0067, kind: 'invisible', name: 'U+E0067 TAG CHARACTER' },
    ]);
    expect(findBidiControls('a\u00adb\u061cc')).toEqual([{ line: 1, col: 4, codePoint: 0x61c, kind: 'bidi', name: 'U+061C ARABIC LETTER MARK' }]);
    expect(findHiddenCharacters('plain text\nwith ümlauts and 日本語')).toEqual([]);
  });
});

describe('tool code with bidi controls', () => {
  const trojan = 'async def main(user: str) -> dict:\n    access = "user"\n    if access != "none\u202e \u2066# admin\u2069 \u2066":\n        return {"ok": True}\n    return {}\n';
  const repo: RepoFile[] = [
    file('mcpbox.yaml', 'apiVersion: mcpbox/v1\n'),
    file('servers/acl/server.yaml', 'description: Access checks\n'),
    file('servers/acl/tools/check.py', trojan),
  ];

  it('is refused by the format at file:line:col, naming the character and the fix', () => {
    const problems = parseRepoFiles('rev', repo).problems.filter((p) => p.severity === 'error');
    const fix = 'which makes the code shown to a reviewer differ from the code that runs — delete it (inside a string, write it as the escape';
    expect(problems).toEqual([
      { file: 'servers/acl/tools/check.py', line: 3, col: 23, severity: 'error', message: `tool code contains the invisible bidirectional control U+202E RIGHT-TO-LEFT OVERRIDE, ${fix} \\u202e)` },
      { file: 'servers/acl/tools/check.py', line: 3, col: 25, severity: 'error', message: `tool code contains the invisible bidirectional control U+2066 LEFT-TO-RIGHT ISOLATE, ${fix} \\u2066)` },
      { file: 'servers/acl/tools/check.py', line: 3, col: 33, severity: 'error', message: `tool code contains the invisible bidirectional control U+2069 POP DIRECTIONAL ISOLATE, ${fix} \\u2069)` },
      { file: 'servers/acl/tools/check.py', line: 3, col: 35, severity: 'error', message: `tool code contains the invisible bidirectional control U+2066 LEFT-TO-RIGHT ISOLATE, ${fix} \\u2066)` },
    ]);
  });

  it('is accepted when the same text is spelled as escapes', () => {
    const escaped = repo.map((f) => (f.path.endsWith('.py') ? { ...f, content: f.content.replace(/\u202e/g, '\\u202e').replace(/\u2066/g, '\\u2066').replace(/\u2069/g, '\\u2069') } : f));
    expect(parseRepoFiles('rev', escaped).problems).toEqual([]);
  });
});
