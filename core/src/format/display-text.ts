// Text that is safe to show a person. Everything an LLM wrote (PR notes, tool code, a grant's
// reason, a test's error) reaches a terminal, a web page or a forge's Markdown; there it must not
// be able to move the cursor, clear the screen, hide a line or make code read differently from
// what runs (the "Trojan Source" class, CVE-2021-42574). Two rules live here, used everywhere:
// `visibleText` shows control characters as visible escapes, and `findHiddenCharacters` names each
// invisible or bidirectional character with its line and column so a viewer can flag it.

export type HiddenKind = 'bidi' | 'invisible';

export interface HiddenCharacter {
  line: number; // 1-based
  col: number; // 1-based, in UTF-16 code units like every other column of the format
  codePoint: number;
  /** e.g. "U+202E RIGHT-TO-LEFT OVERRIDE" */
  name: string;
  kind: HiddenKind;
}

/** Bidirectional controls: they reorder what a viewer shows without changing what runs. */
const BIDI_NAMES: ReadonlyMap<number, string> = new Map([
  [0x061c, 'ARABIC LETTER MARK'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
]);

/**
 * Characters that draw nothing (or look like a space) and so can hide text or make two identifiers
 * look equal. Variation selectors U+FE00–FE0F are left out on purpose: emoji need them and they
 * cannot reorder or hide a letter; the supplementary ones (U+E0100–E01EF) have no use in code or
 * prose here and are a known way to smuggle data, so they are flagged.
 */
const INVISIBLE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00ad, 'SOFT HYPHEN'],
  [0x034f, 'COMBINING GRAPHEME JOINER'],
  [0x115f, 'HANGUL CHOSEONG FILLER'],
  [0x1160, 'HANGUL JUNGSEONG FILLER'],
  [0x17b4, 'KHMER VOWEL INHERENT AQ'],
  [0x17b5, 'KHMER VOWEL INHERENT AA'],
  [0x180e, 'MONGOLIAN VOWEL SEPARATOR'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x2028, 'LINE SEPARATOR'],
  [0x2029, 'PARAGRAPH SEPARATOR'],
  [0x2060, 'WORD JOINER'],
  [0x2061, 'FUNCTION APPLICATION'],
  [0x2062, 'INVISIBLE TIMES'],
  [0x2063, 'INVISIBLE SEPARATOR'],
  [0x2064, 'INVISIBLE PLUS'],
  [0x3164, 'HANGUL FILLER'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE (byte-order mark)'],
  [0xffa0, 'HALFWIDTH HANGUL FILLER'],
  [0xfff9, 'INTERLINEAR ANNOTATION ANCHOR'],
  [0xfffa, 'INTERLINEAR ANNOTATION SEPARATOR'],
  [0xfffb, 'INTERLINEAR ANNOTATION TERMINATOR'],
]);

function hex(codePoint: number): string {
  return codePoint.toString(16).toUpperCase().padStart(4, '0');
}

/** The kind and name of an invisible or bidi character; undefined for every other character. */
export function describeHiddenCharacter(codePoint: number): { kind: HiddenKind; name: string } | undefined {
  const bidi = BIDI_NAMES.get(codePoint);
  if (bidi !== undefined) return { kind: 'bidi', name: `U+${hex(codePoint)} ${bidi}` };
  const invisible = INVISIBLE_NAMES.get(codePoint);
  if (invisible !== undefined) return { kind: 'invisible', name: `U+${hex(codePoint)} ${invisible}` };
  if (codePoint >= 0xe0000 && codePoint <= 0xe007f) return { kind: 'invisible', name: `U+${hex(codePoint)} TAG CHARACTER` };
  if (codePoint >= 0xe0100 && codePoint <= 0xe01ef) return { kind: 'invisible', name: `U+${hex(codePoint)} VARIATION SELECTOR-${codePoint - 0xe0100 + 17}` };
  return undefined;
}

// One scan for both lists: BMP singles plus the two supplementary ranges.
const HIDDEN_PATTERN = new RegExp(
  `[${[...BIDI_NAMES.keys(), ...INVISIBLE_NAMES.keys()].map((c) => `\\u{${c.toString(16)}}`).join('')}\\u{E0000}-\\u{E007F}\\u{E0100}-\\u{E01EF}]`,
  'gu',
);

/** Every invisible or bidi character of `text`, with where it is. */
export function findHiddenCharacters(text: string): HiddenCharacter[] {
  const found: HiddenCharacter[] = [];
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  for (const match of text.matchAll(HIDDEN_PATTERN)) {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < match.index; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = match.index;
    const codePoint = match[0].codePointAt(0) ?? 0;
    const described = describeHiddenCharacter(codePoint);
    if (described !== undefined) found.push({ line, col: match.index - lineStart + 1, codePoint, ...described });
  }
  return found;
}

/** Only the bidi controls of `text`: what tool code may never contain. */
export function findBidiControls(text: string): HiddenCharacter[] {
  return findHiddenCharacters(text).filter((c) => c.kind === 'bidi');
}

export interface VisibleTextOptions {
  /** Keep line feeds as line breaks (multi-line contexts); otherwise they show as `^J`. */
  newlines?: boolean;
  /** Keep tabs (code); otherwise they show as `^I`. */
  tabs?: boolean;
  /** Also replace invisible and bidi characters by `<U+XXXX>` (default true). */
  hidden?: boolean;
}

// C0 controls, DEL and C1 controls (U+0080–009F: U+009B is a one-byte CSI on many terminals).
const CONTROL_PATTERN = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * `text` with every control character shown visibly: C0 and DEL in caret notation (`^[` for ESC,
 * `^H` for backspace, `^M` for a carriage return, `^?` for DEL), C1 controls as `<U+0085>`, and
 * (unless `hidden: false`) invisible and bidi characters as `<U+202E>`. Nothing left can move the
 * cursor, erase, recolour or reorder what is around it.
 */
export function visibleText(text: string, options: VisibleTextOptions = {}): string {
  const controls = text.replace(CONTROL_PATTERN, (c) => {
    if (c === '\n' && options.newlines === true) return c;
    if (c === '\t' && options.tabs === true) return c;
    const code = c.charCodeAt(0);
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    if (code === 0x7f) return '^?';
    return `<U+${hex(code)}>`;
  });
  if (options.hidden === false) return controls;
  return controls.replace(HIDDEN_PATTERN, (c) => `<U+${hex(c.codePointAt(0) ?? 0)}>`);
}

/** One line per hidden character, e.g. `servers/a/tools/b.py:3:7: U+202E RIGHT-TO-LEFT OVERRIDE`. */
export function describeHiddenCharacters(where: string, found: readonly HiddenCharacter[]): string[] {
  return found.map((c) => `${where}:${c.line}:${c.col}: ${c.name}${c.kind === 'bidi' ? ' (reorders how the text is shown)' : ' (invisible)'}`);
}

/**
 * JSON for a terminal or a log a person reads: the same value, but every character JSON.stringify
 * leaves raw that a viewer would act on (DEL, C1 controls, invisible and bidi characters) is
 * written as a `\uXXXX` escape, so the text stays valid JSON and parses back to the same value.
 */
export function displayJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent) ?? 'null';
  const escape = (c: string) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
  return text.replace(/[\u007f-\u009f]/g, escape).replace(HIDDEN_PATTERN, escape);
}

/** `text` with each invisible or bidi character replaced by what `mark` makes of it (e.g. an HTML mark naming it). */
export function markHiddenCharacters(text: string, mark: (found: { codePoint: number; kind: HiddenKind; name: string }) => string): string {
  return text.replace(HIDDEN_PATTERN, (c) => {
    const codePoint = c.codePointAt(0) ?? 0;
    const described = describeHiddenCharacter(codePoint);
    return described === undefined ? c : mark({ codePoint, ...described });
  });
}
