// Checks the fake forge's traffic against the vendors' API descriptions: every request body
// against the operation's schema (an adapter sending a field or value the real API refuses fails
// the test), and every response body too, so the fake cannot drift from the real forge.
// GitHub: github-openapi.json, extracted from @octokit/openapi (extract-github-spec.ts).
// Gitea: gitea-swagger.json, the definitions of the endpoints used, from Gitea's v1 swagger.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

export interface Operation {
  dialect: 'github' | 'gitea';
  method: string;
  /** Path template as the spec writes it, e.g. /repos/{owner}/{repo}/pulls/{pull_number}. */
  template: string;
  operationId: string;
  pattern: RegExp;
  params: string[];
}

export class ContractError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const here = import.meta.dirname;

/** Drops `required` everywhere: for response schemas whose full objects (repositories, users) the fake only partly fills. */
function typesOnly(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(typesOnly);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) if (k !== 'required') out[k] = typesOnly(v);
  return out;
}

function compilePattern(template: string): { pattern: RegExp; params: string[] } {
  const params: string[] = [];
  // {ref} and {branch} may hold slashes (GitHub refs, Gitea branch names); other parameters may not.
  const source = template.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`)).replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    params.push(name);
    return name === 'ref' || name === 'branch' ? '(.+)' : '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), params };
}

export class ApiContract {
  readonly operations: Operation[] = [];
  readonly #ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  readonly #requests = new Map<string, ValidateFunction>();
  readonly #responses = new Map<string, Map<string, ValidateFunction>>();
  /** Operations whose response objects the fake fills completely, so their required fields are checked too. */
  readonly #complete: Set<string>;

  constructor(complete: string[]) {
    this.#complete = new Set(complete);
    this.#loadGitHub();
    this.#loadGitea();
  }

  match(dialect: Operation['dialect'], method: string, path: string): { op: Operation; params: Record<string, string> } | undefined {
    for (const op of this.operations) {
      if (op.dialect !== dialect || op.method !== method.toLowerCase()) continue;
      const m = op.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      op.params.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { op, params };
    }
    return undefined;
  }

  checkRequest(op: Operation, body: unknown): void {
    const validate = this.#requests.get(op.operationId);
    if (!validate) return;
    if (!validate(body)) throw new ContractError(422, `${op.operationId}: request does not match the ${op.dialect} API description: ${this.#ajv.errorsText(validate.errors)}`);
  }

  checkResponse(op: Operation, status: number, body: unknown): void {
    const validate = this.#responses.get(op.operationId)?.get(String(status));
    if (!validate || body === undefined) return;
    if (!validate(body)) throw new ContractError(500, `${op.operationId}: the fake forge's ${status} answer does not match the ${op.dialect} API description: ${this.#ajv.errorsText(validate.errors)}`);
  }

  #add(op: Operation, request: unknown, responses: Record<string, unknown>): void {
    this.operations.push(op);
    if (request) this.#requests.set(op.operationId, this.#ajv.compile(request as object));
    const byStatus = new Map<string, ValidateFunction>();
    for (const [status, schema] of Object.entries(responses)) {
      if (!schema) continue;
      byStatus.set(status, this.#ajv.compile((this.#complete.has(op.operationId) ? schema : typesOnly(schema)) as object));
    }
    this.#responses.set(op.operationId, byStatus);
  }

  #loadGitHub(): void {
    const spec = JSON.parse(readFileSync(join(here, 'github-openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string; requestBody?: { content?: Record<string, { schema?: unknown }> }; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
    };
    for (const [template, methods] of Object.entries(spec.paths)) {
      for (const [method, def] of Object.entries(methods)) {
        const responses: Record<string, unknown> = {};
        for (const [status, r] of Object.entries(def.responses)) responses[status] = r.content?.['application/json']?.schema;
        this.#add({ dialect: 'github', method, template, operationId: def.operationId, ...compilePattern(template) }, def.requestBody?.content?.['application/json']?.schema, responses);
      }
    }
  }

  #loadGitea(): void {
    const spec = JSON.parse(readFileSync(join(here, 'gitea-swagger.json'), 'utf8')) as {
      definitions: Record<string, unknown>;
      paths: Record<string, Record<string, { operationId: string; parameters?: Array<{ in: string; schema?: unknown }>; responses: Record<string, { schema?: unknown }> }>>;
    };
    // Swagger 2.0 refers to #/definitions/…: register the document and point into it.
    this.#ajv.addSchema({ $id: 'gitea', definitions: spec.definitions });
    const resolve = (schema: unknown) => (schema ? JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"gitea#/definitions/')) : undefined);
    for (const [template, methods] of Object.entries(spec.paths)) {
      for (const [method, def] of Object.entries(methods)) {
        const responses: Record<string, unknown> = {};
        for (const [status, r] of Object.entries(def.responses)) responses[status] = resolve(r.schema);
        const body = def.parameters?.find((p) => p.in === 'body')?.schema;
        this.#add({ dialect: 'gitea', method, template, operationId: def.operationId, ...compilePattern(template) }, resolve(body), responses);
      }
    }
  }
}
