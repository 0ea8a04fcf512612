// Turns zod issues into sentences a person can act on. Every leaf schema of the format carries a
// `.describe()` text saying what the field must be ("a whole number of milliseconds between 1000 and
// 300000"); a failing field is reported as "`field` must be <that>, got <what was there>".
import * as z from 'zod';
import { closestWord } from './closest-word.ts';

export type IssuePath = ReadonlyArray<string | number>;

export interface ExplainedIssue {
  path: IssuePath;
  /** Point at the key of the entry rather than its value (unknown keys). */
  atKey: boolean;
  message: string;
  /** For an unknown key: the allowed key it was probably meant to be. */
  suggests?: string;
  /** The issue is a required key that is absent. */
  missing?: boolean;
}

/**
 * Drops "`x` is required" when an unknown key in the same mapping was taken for a typo of `x`:
 * the person wrote the key, only misspelt it, and one message says so.
 */
export function withoutTypoEchoes(issues: ExplainedIssue[]): ExplainedIssue[] {
  const suggested = new Set(issues.filter((i) => i.suggests !== undefined).map((i) => pathLabel([...i.path.slice(0, -1), i.suggests ?? ''])));
  return issues.filter((issue) => !(issue.missing === true && suggested.has(pathLabel(issue.path))));
}

/** Custom issues raised by the format's own refinements carry this flag: their message is final. */
export const EXPLAINED = { explained: true } as const;

export function explainIssue(issue: z.core.$ZodIssue, input: unknown, root: z.ZodType): ExplainedIssue[] {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = objectKeysAt(root, path);
    return issue.keys.map((key) => {
      const guess = closestWord(key, allowed);
      return { path: [...path, key], atKey: true, message: unknownKeyMessage(key, path, allowed, guess), ...(guess ? { suggests: guess } : {}) };
    });
  }
  if (issue.code === 'custom' && issue.params?.['explained'] === true) {
    return [{ path, atKey: false, message: issue.message }];
  }
  const label = pathLabel(path);
  const expectation = expectationAt(root, path);
  const value = valueAt(input, path);
  if (path.length === 0) {
    return [{ path, atKey: false, message: expectation ? `the file must be ${expectation}` : issue.message }];
  }
  if (value === undefined) {
    const what = expectation ? `; it must be ${expectation}` : '';
    return [{ path, atKey: false, missing: true, message: `\`${label}\` is required${what}` }];
  }
  if (expectation) {
    return [{ path, atKey: false, message: `\`${label}\` must be ${expectation}, got ${describeValue(value)}` }];
  }
  return [{ path, atKey: false, message: `\`${label}\`: ${issue.message}` }];
}

function unknownKeyMessage(key: string, parentPath: IssuePath, allowed: string[], guess: string | undefined): string {
  const where = parentPath.length === 0 ? '' : ` in \`${pathLabel(parentPath)}\``;
  if (guess !== undefined) return `unknown key \`${key}\`${where} — did you mean \`${guess}\`?`;
  if (allowed.length === 0) return `unknown key \`${key}\`${where} — remove it`;
  return `unknown key \`${key}\`${where} — the keys allowed here are ${allowed.map((k) => `\`${k}\``).join(', ')}`;
}

/** `grants[1].port` style label of a path. */
function pathLabel(path: IssuePath): string {
  let label = '';
  for (const segment of path) {
    label += typeof segment === 'number' ? `[${segment}]` : label === '' ? segment : `.${segment}`;
  }
  return label;
}

/** How a value found in the file is shown after "got": short, and says its type. */
function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

function valueAt(input: unknown, path: IssuePath): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The schema that validates the value at `path`, walking objects and arrays. */
function schemaAt(root: z.ZodType, path: IssuePath): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const segment of path) {
    current = current === undefined ? undefined : unwrap(current);
    if (current instanceof z.ZodObject && typeof segment === 'string') {
      current = (current.shape as Record<string, z.ZodType | undefined>)[segment];
    } else if (current instanceof z.ZodArray && typeof segment === 'number') {
      current = current.element as z.ZodType;
    } else {
      return undefined;
    }
  }
  return current;
}

/** The first `.describe()` text found on the schema or the wrappers (optional, default) around it. */
function expectationAt(root: z.ZodType, path: IssuePath): string | undefined {
  let current = schemaAt(root, path);
  while (current !== undefined) {
    if (current.description !== undefined) return current.description;
    const inner = unwrapOnce(current);
    current = inner === current ? undefined : inner;
  }
  return undefined;
}

function objectKeysAt(root: z.ZodType, path: IssuePath): string[] {
  const schema = schemaAt(root, path);
  const object = schema === undefined ? undefined : unwrap(schema);
  return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let inner = unwrapOnce(current); inner !== current; inner = unwrapOnce(current)) current = inner;
  return current;
}

function unwrapOnce(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) {
    return schema.unwrap() as z.ZodType;
  }
  // A transform after validation: the input side is what the file is checked against.
  if (schema instanceof z.ZodPipe) return schema.in as z.ZodType;
  return schema;
}
