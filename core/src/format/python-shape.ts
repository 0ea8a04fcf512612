// Checks of a tool's file that need no parser: size, encoding, invisible controls, emptiness. Python
// itself (syntax, the shape of `main`, imports) is checked by one analyzer only, the sandbox's
// analyze.py, so each problem is reported once; a file that fails these checks is not handed to it.
import { findBidiControls } from './display-text.ts';

export const MAX_TOOL_CODE_BYTES = 100 * 1024;

export interface CodeProblem {
  line: number; // 1-based
  col?: number;
  message: string;
}

export function checkToolCode(source: string): CodeProblem[] {
  // Editors on Windows may start the file with a byte-order mark; Python accepts it, so do we.
  const code = source.startsWith('\uFEFF') ? source.slice(1) : source;
  const bytes = new TextEncoder().encode(code).length;
  if (bytes > MAX_TOOL_CODE_BYTES) {
    return [{ line: 1, message: `tool code is ${formatKb(bytes)} KB; the limit is ${MAX_TOOL_CODE_BYTES / 1024} KB — split it or move data out of the code` }];
  }
  // Lossy UTF-8 decoding (how git contents arrive as text) leaves U+FFFD where bytes were invalid.
  const replacement = code.indexOf('\uFFFD');
  if (replacement >= 0) {
    return [{ ...positionOf(code, replacement), message: 'tool code is not valid UTF-8 — save the file as UTF-8' }];
  }
  const nul = code.indexOf('\u0000');
  if (nul >= 0) {
    return [{ ...positionOf(code, nul), message: 'tool code contains a NUL byte — it looks like a binary file, not Python source' }];
  }
  // Bidi controls make the code a reviewer reads differ from the code that runs (CVE-2021-42574).
  // Python accepts them in strings and comments, but no tool needs one raw: text that needs them can
  // spell it as an escape (`"\u202e"`) inside a string, which is visible in review.
  const bidi = findBidiControls(code);
  if (bidi.length > 0) {
    return bidi.map((c) => ({
      line: c.line,
      col: c.col,
      message: `tool code contains the invisible bidirectional control ${c.name}, which makes the code shown to a reviewer differ from the code that runs — delete it (inside a string, write it as the escape \\u${c.codePoint.toString(16).padStart(4, '0')})`,
    }));
  }
  if (code.trim() === '') {
    return [{ line: 1, message: 'tool code is empty — a tool must define `async def main(...)` at the top level' }];
  }
  return [];
}

function positionOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, col: offset - lineStart + 1 };
}

function formatKb(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}
