// The one way machine-written files are laid out: keys in the order the serializer builds them,
// two-space indent, block style (only empty lists/maps are written `[]`/`{}`), no line folding,
// trailing newline. parse → serialize of such a file gives back the same bytes, so commits made by
// the gateway diff cleanly against files a person wrote in this style.
import { stringify } from 'yaml';

export function toCanonicalYaml(value: Record<string, unknown>): string {
  return stringify(withoutUndefined(value), {
    indent: 2,
    indentSeq: true,
    lineWidth: 0,
    minContentWidth: 0,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    version: '1.2',
  });
}

/** Optional fields that are absent are left out of the file rather than written as `null`. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = withoutUndefined(inner);
    return out;
  }
  return value;
}
