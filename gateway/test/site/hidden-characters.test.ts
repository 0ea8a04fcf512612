// The status site shows LLM-written text and code: HTML-escaped, control characters made visible,
// and every invisible or bidi character replaced by a mark that names it (never rendered raw).
import { describe, expect, it } from 'vitest';
import { CodeHighlighter } from '@mcpbox/site';
import { attr, flagHiddenCharacters, text } from '../../../site/src/render/html.ts';

const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

describe('status site text', () => {
  it('escapes markup, shows controls visibly and marks a bidi override with its name', () => {
    expect(text('<b>x</b>\u001b[2J\u0085 if admin\u202e')).toBe(
      '&lt;b&gt;x&lt;/b&gt;^[[2J&lt;U+0085&gt; if admin<mark class="hidden-char" data-kind="bidi" title="U+202E RIGHT-TO-LEFT OVERRIDE">&lt;U+202E&gt;</mark>',
    );
    expect(text('two\nlines\tand a tab')).toBe('two\nlines\tand a tab');
  });

  it('puts no markup into attributes: hidden characters become plain text there', () => {
    expect(attr('a"\u200bb\u001b')).toBe('a&quot;&lt;U+200B&gt;b^[');
  });

  it('highlighted code shows controls visibly and its hidden characters marked', async () => {
    const code = 'async def main() -> dict:\n    s = "o\u200bk\u001b[2J"\n    return {}\n';
    const html = flagHiddenCharacters(await new CodeHighlighter().python(code, 'blob-hidden'));
    expect(html).not.toMatch(RAW);
    expect(html).toContain('<mark class="hidden-char" data-kind="invisible" title="U+200B ZERO WIDTH SPACE">&lt;U+200B&gt;</mark>');
    expect(html).toContain('^[[2J');
  });
});
