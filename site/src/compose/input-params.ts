// An input schema (as the sandbox derived it from `main`'s signature) flattened into the rows of
// a form-like table: one row per top-level property.
import type { SiteParam } from '../model.ts';

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(schema: unknown): string {
  if (!isSchema(schema)) return 'any';
  if (Array.isArray(schema['enum'])) return `one of ${schema['enum'].map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in schema) return JSON.stringify(schema['const']);
  const union = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(union)) return union.map(typeOf).join(' | ');
  const type = schema['type'];
  if (Array.isArray(type)) return type.map(String).join(' | ');
  if (type === 'array') return `array of ${typeOf(schema['items'])}`;
  if (type === 'object' && isSchema(schema['additionalProperties'])) return `object of ${typeOf(schema['additionalProperties'])}`;
  return typeof type === 'string' ? type : 'any';
}

export function inputParams(schema: unknown): SiteParam[] {
  if (!isSchema(schema) || !isSchema(schema['properties'])) return [];
  const required = new Set(Array.isArray(schema['required']) ? schema['required'].map(String) : []);
  return Object.entries(schema['properties']).map(([name, property]) => {
    const p = isSchema(property) ? property : {};
    const param: SiteParam = {
      name,
      type: typeOf(p),
      required: required.has(name),
      description: typeof p['description'] === 'string' ? p['description'] : typeof p['title'] === 'string' ? p['title'] : '',
    };
    if ('default' in p) param.default = JSON.stringify(p['default']);
    return param;
  });
}
