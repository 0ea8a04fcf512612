// The desired state of one revision of a tools repo: what `main` (or a branch) says should run.
// This is the contract between the side that reads git (core/repo) and everything downstream
// (reconciler, gateway read tools, `mcpbox validate`). Plain data, no behaviour.

/** One problem found in a repo revision, always pointing at a file (and a position when known). */
export interface Problem {
  file: string; // repo-relative path, e.g. "servers/weather/tools/forecast.yaml"
  line?: number; // 1-based
  col?: number; // 1-based
  message: string; // human words: what is wrong and what to do
  severity: 'error' | 'warning';
}

/** A file of a revision as read from git: path, blob id (content address) and bytes as text. */
export interface RepoFile {
  path: string;
  blob: string; // git blob sha
  content: string;
}

export interface RepoConfig {
  apiVersion: 'mcpbox/v1';
  defaults: { timeout_ms: number; memory_mb: number };
  /** Set to true to allow a revision that leaves no tool at all (the reconciler refuses otherwise). */
  allow_empty: boolean;
}

export interface ModulesPolicy {
  /** Modules allowed beyond the built-in safe set, each with the reason it was granted. */
  allowed: Array<{ name: string; reason: string }>;
}

export interface NetworkGrant {
  server: string;
  host: string; // lower-case hostname or IP literal
  port?: number; // omitted = the scheme's default ports (443/80)
  reason: string;
}
export interface NetworkPolicy {
  grants: NetworkGrant[];
}

export interface SecretDecl {
  name: string; // ^[A-Z][A-Z0-9_]*$
  description: string;
}

export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** servers/<server>/tools/<tool>.yaml — all optional. */
export interface ToolMeta {
  description?: string;
  timeout_ms?: number;
  enabled: boolean;
  annotations?: ToolAnnotations;
}

export interface ToolSpec {
  server: string;
  name: string;
  id: string; // public MCP name "<server>__<tool>"
  codePath: string; // servers/<s>/tools/<t>.py
  code: string;
  codeBlob: string; // blob id of the .py file: the cache key for analysis
  meta: ToolMeta;
  metaPath?: string;
  metaBlob?: string;
}

/** servers/<server>/sources/<name>.yaml — an external MCP server proxied through this server. */
export interface SourceSpec {
  server: string;
  name: string;
  path: string;
  url: string;
  transport: 'streamable_http';
  auth: { type: 'none' } | { type: 'bearer'; secret: string } | { type: 'header'; header: string; secret: string };
  blob: string;
}

export interface ServerSpec {
  name: string;
  path: string; // servers/<s>/server.yaml
  blob: string;
  description: string;
  enabled: boolean;
  secrets: SecretDecl[];
  tools: Record<string, ToolSpec>; // by tool name
  sources: Record<string, SourceSpec>;
}

export interface DesiredState {
  revision: string; // commit sha the state was read from
  config: RepoConfig;
  modules: ModulesPolicy;
  network: NetworkPolicy;
  servers: Record<string, ServerSpec>; // by server name
  /** blob id of every file of the revision, by path (content-addressed cache keys). */
  blobs: Record<string, string>;
  /** Errors make the revision invalid as a whole; warnings (e.g. unknown files) do not. */
  problems: Problem[];
}
