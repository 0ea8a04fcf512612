// Secret redaction. A server's secret values must never leave the sandbox in a result, in printed
// output or in an error message, whatever path the call took. This runs in the child's control thread
// before anything is sent, and again in the parent (the child may be compromised). Besides the plain
// value it catches the trivial disguises: case changes, reversal, hex, percent-encoding and base64
// (standard and URL-safe, also when the secret sits inside a longer base64-encoded text).

import { MIN_REDACTED_SECRET_LENGTH } from '../limits.ts';

export const REDACTION = '[REDACTED]';

/** Every spelling of every secret worth looking for, longest first (so longer matches win). */
export function secretNeedles(secrets: Record<string, string> | undefined): string[] {
  if (!secrets) return [];
  const needles = new Set<string>();
  for (const value of Object.values(secrets)) {
    if (typeof value !== 'string' || value.length < MIN_REDACTED_SECRET_LENGTH) continue;
    const bytes = Buffer.from(value, 'utf8');
    const spellings = [
      value,
      value.toLowerCase(),
      value.toUpperCase(),
      [...value].reverse().join(''),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      encodeURIComponent(value),
      bytes.toString('base64'),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('base64url'),
    ];
    for (const s of spellings) if (s.length >= MIN_REDACTED_SECRET_LENGTH) needles.add(s);
    for (const core of base64Cores(bytes)) needles.add(core);
  }
  return [...needles].sort((a, b) => b.length - a.length);
}

/**
 * Base64 of a text that contains the secret at an arbitrary offset: for each of the three byte
 * alignments, the characters that depend only on the secret's own bytes. Kept only when long enough
 * (≥ 8 characters) not to match ordinary text by accident.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const firstGroup = shift === 0 ? 0 : 1;
    const lastGroup = Math.floor(padded.length / 3); // exclusive: groups fully made of secret bytes
    if (lastGroup - firstGroup < 2) continue;
    const encoded = padded.subarray(firstGroup * 3, lastGroup * 3);
    for (const alphabet of ['base64', 'base64url'] as const) cores.push(encoded.toString(alphabet));
  }
  return cores;
}

export function redactText(text: string, needles: readonly string[]): string {
  let out = text;
  for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTION);
  return out;
}

/** Redacts inside a JSON value: string values, object keys, and numbers whose digits spell a secret. */
export function redactValue(value: unknown, needles: readonly string[]): unknown {
  if (needles.length === 0) return value;
  if (typeof value === 'string') return redactText(value, needles);
  if (typeof value === 'number') {
    const text = String(value);
    return redactText(text, needles) === text ? value : REDACTION;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, needles));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redactText(k, needles)] = redactValue(v, needles);
    return out;
  }
  return value;
}
