// Python highlighting on the server with Shiki: grammar and themes ship in the package (no
// network), the JavaScript regex engine avoids loading WebAssembly, and both themes go out at
// once as CSS variables so the page follows prefers-color-scheme. Cached by blob id: a tool's
// code is highlighted once per version, not once per request.
import { createHighlighterCore, type HighlighterCore } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import { visibleText } from '@mcpbox/core/display-text';

const CACHE_LIMIT = 2000;

export class CodeHighlighter {
  #highlighter: Promise<HighlighterCore> | null = null;
  readonly #cache = new Map<string, string>();

  async python(code: string, blob: string): Promise<string> {
    const cached = this.#cache.get(blob);
    if (cached !== undefined) return cached;
    this.#highlighter ??= createHighlighterCore({
      themes: [import('shiki/themes/github-light.mjs'), import('shiki/themes/github-dark.mjs')],
      langs: [import('shiki/langs/python.mjs')],
      engine: createJavaScriptRegexEngine(),
    });
    const highlighter = await this.#highlighter;
    // Control characters become visible before highlighting; invisible and bidi ones are marked by the renderer.
    const html = highlighter.codeToHtml(visibleText(code, { newlines: true, tabs: true, hidden: false }), { lang: 'python', themes: { light: 'github-light', dark: 'github-dark' } });
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(blob, html);
    return html;
  }
}
