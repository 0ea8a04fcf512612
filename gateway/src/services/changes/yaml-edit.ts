// Appending an entry to a list in a YAML file a person may have written and commented (the policy
// files of the template are mostly comments). Editing the document keeps every comment and the
// order of keys, so the pull request's diff shows only the new entry.
import { isSeq, parseDocument, YAMLSeq } from 'yaml';
import { ToolError } from '../../tools/tool-error.ts';

export function appendToList(content: string, path: string, key: string, entry: Record<string, unknown>): string {
  const doc = parseDocument(content === '' ? `${key}: []\n` : content);
  if (doc.errors.length > 0) {
    throw new ToolError('unavailable', `${path} on main cannot be parsed (${doc.errors[0]?.message ?? 'YAML error'}); an admin must fix it before new requests can be added.`);
  }
  let list = doc.get(key, true);
  if (list === undefined || list === null) {
    list = new YAMLSeq();
    doc.set(key, list);
  }
  if (!isSeq(list)) throw new ToolError('unavailable', `\`${key}\` in ${path} is not a list; an admin must fix the file first.`);
  list.flow = false;
  list.items.push(doc.createNode(withoutUndefined(entry)));
  return doc.toString({ indent: 2, indentSeq: true, lineWidth: 0 });
}

/** Removes the list entries for which `drop` is true; returns the text unchanged when none matched. */
export function removeFromList(content: string, key: string, drop: (entry: Record<string, unknown>) => boolean): string {
  const doc = parseDocument(content);
  const list = doc.get(key, true);
  if (!isSeq(list)) return content;
  const before = list.items.length;
  list.items = list.items.filter((item) => {
    const value: unknown = (item as { toJSON?: () => unknown }).toJSON?.() ?? item;
    return !(value !== null && typeof value === 'object' && drop(value as Record<string, unknown>));
  });
  return list.items.length === before ? content : doc.toString({ indent: 2, indentSeq: true, lineWidth: 0 });
}

function withoutUndefined(entry: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
}
