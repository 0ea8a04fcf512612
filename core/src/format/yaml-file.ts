// Reads one YAML file of the repo against its zod schema, keeping source positions so that every
// problem names the file, line and column of the offending key or value.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type * as z from 'zod';
import { explainIssue, withoutTypoEchoes, type IssuePath } from './issue-messages.ts';
import type { Problem } from './model.ts';

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
}

export interface YamlFileResult<T> {
  /** The validated value; undefined when the file has any error. */
  value: T | undefined;
  problems: Problem[];
  /** Where the value (or, with `atKey`, the key) at `path` sits in the file, if it is there. */
  positionOf(path: IssuePath, atKey?: boolean): Position | undefined;
}

export function readYamlFile<T>(path: string, content: string, schema: z.ZodType<T>): YamlFileResult<T> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => lineCounter.linePos(offset);
  const positionOf = (nodePath: IssuePath, atKey = false): Position | undefined => {
    const range = locate(doc, nodePath, atKey)?.range;
    return range ? at(range[0]) : undefined;
  };
  const problems: Problem[] = [];
  const fail = (): YamlFileResult<T> => ({ value: undefined, problems, positionOf });

  // One syntax error per line: the parser's follow-on errors on the same line only add noise.
  const linesWithErrors = new Set<number>();
  for (const error of doc.errors) {
    const unclosed = unclosedOpening(content, error.message, error.pos[0]);
    const position = at(unclosed?.offset ?? error.pos[0]);
    if (linesWithErrors.has(position.line)) continue;
    linesWithErrors.add(position.line);
    const message = unclosed ? `YAML syntax error: the ${unclosed.what} starting here is never closed — add the closing ${unclosed.closer}` : syntaxMessage(error.code, error.message, content, error.pos[0]);
    problems.push({ file: path, ...position, severity: 'error', message });
  }
  if (problems.length > 0) return fail();
  for (const warning of doc.warnings) {
    const { line, col } = at(warning.pos[0]);
    problems.push({ file: path, line, col, severity: 'warning', message: `YAML: ${firstLine(warning.message)}` });
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.push({ file: path, line: 1, col: 1, severity: 'error', message: `the YAML could not be read: ${firstLine(String(error))}` });
    return fail();
  }
  const empty = data === null || data === undefined;
  if (!empty && (typeof data !== 'object' || Array.isArray(data))) {
    const got = Array.isArray(data) ? 'a list' : `a single value (${JSON.stringify(data)})`;
    const start = doc.contents?.range[0] ?? 0;
    problems.push({ file: path, ...at(start), severity: 'error', message: `the file must be a YAML mapping of \`key: value\` lines, got ${got}` });
    return fail();
  }

  const input = empty ? {} : data;
  const result = schema.safeParse(input);
  if (result.success) return { value: result.data, problems, positionOf };
  const explainedIssues = withoutTypoEchoes(result.error.issues.flatMap((issue) => explainIssue(issue, input, schema)));
  for (const explained of explainedIssues) {
    const position = nearestPosition(doc, explained.path, explained.atKey, at);
    const message = empty ? `the file is empty: ${explained.message}` : explained.message;
    problems.push({ file: path, line: position.line, col: position.col, severity: 'error', message });
  }
  return fail();
}

/** The position of the node at `path`, or of its closest ancestor present in the file (for missing keys). */
function nearestPosition(doc: Document, path: IssuePath, atKey: boolean, at: (offset: number) => Position): Position {
  for (let length = path.length; length >= 0; length--) {
    const node = locate(doc, path.slice(0, length), length === path.length && atKey);
    if (node?.range) return at(node.range[0]);
  }
  return { line: 1, col: 1 };
}

/** The YAML node at `path` (its key node when `atKey`), walking maps by key and sequences by index. */
function locate(doc: Document, path: IssuePath, atKey: boolean): Node | undefined {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const segment of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && (isScalar(item.key) ? item.key.value : item.key) === segment);
      keyNode = pair?.key;
      node = pair?.value ?? (pair ? pair.key : undefined);
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      return undefined;
    }
    if (node === undefined || node === null) return undefined;
  }
  const found = atKey && keyNode !== undefined ? keyNode : node;
  return found !== null && typeof found === 'object' && 'range' in found ? (found as Node) : undefined;
}

function syntaxMessage(code: string, message: string, content: string, offset: number): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation; YAML only allows spaces — indent with two spaces';
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document (a second `---`) — keep a single document';
    case 'DUPLICATE_KEY': {
      const key = /^[^\s:#]+/.exec(content.slice(offset))?.[0];
      return `${key ? `key \`${key}\`` : 'a key'} appears twice in the same mapping — keep only one`;
    }
    default:
      if (message.startsWith('Nested mappings are not allowed in compact mappings')) {
        return 'YAML syntax error: a value contains `: ` — put the value in quotes, or check the indentation of the next line';
      }
      if (message.startsWith('Implicit keys need to be on a single line') || message.startsWith('Implicit map keys need to be followed by map values')) {
        return 'YAML syntax error: expected `key: value` here — is the `:` missing, or is the indentation off?';
      }
      return `YAML syntax error: ${firstLine(message)}`;
  }
}

const UNCLOSED = [
  { hint: '"quote', opener: '"', closer: '`"`', what: 'quoted value' },
  { hint: "'quote", opener: "'", closer: "`'`", what: 'quoted value' },
  { hint: 'end with a ]', opener: '[', closer: '`]`', what: 'list `[`' },
  { hint: 'end with a }', opener: '{', closer: '`}`', what: 'mapping `{`' },
] as const;

/**
 * The parser reports an unclosed quote or bracket where the file ends; the person needs the line
 * where it was opened: the last line before that point on which it is left open.
 */
function unclosedOpening(content: string, message: string, errorOffset: number): { offset: number; closer: string; what: string } | undefined {
  const kind = UNCLOSED.find((candidate) => message.includes(candidate.hint));
  if (kind === undefined) return undefined;
  const closing = kind.opener === '[' ? ']' : kind.opener === '{' ? '}' : kind.opener;
  const before = content.slice(0, errorOffset);
  let lineEnd = before.length;
  while (lineEnd > 0) {
    const previousBreak = before.lastIndexOf('\n', lineEnd - 1);
    const line = before.slice(previousBreak + 1, lineEnd);
    const opens = line.split(kind.opener).length - 1;
    const closes = closing === kind.opener ? 0 : line.split(closing).length - 1;
    const leftOpen = closing === kind.opener ? opens % 2 === 1 : opens > closes;
    if (leftOpen) return { offset: previousBreak + 1 + line.lastIndexOf(kind.opener), closer: kind.closer, what: kind.what };
    lineEnd = previousBreak < 0 ? 0 : previousBreak;
  }
  return undefined;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
