// The one JSON document every status page renders: `data.json`. The gateway composes it from the
// live registry, main, the reconciler status and the pull requests; the template's CI composes it
// from a checkout. Plain data only, so the same renderers run at build time and in the browser.

export type ToolState = 'live' | 'failing' | 'pending' | 'disabled';

export interface SiteError {
  file: string;
  line?: number;
  col?: number;
  message: string;
}

export interface SiteCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface SiteReconcile {
  revision: string;
  result: string;
  durationMs: number;
  message?: string;
  at: string;
}

export interface SiteOverview {
  /** Where the site got its data: a running gateway, or a build from a checkout (no reconciler). */
  source: 'gateway' | 'build';
  generatedAt: string;
  /** Ready / Reconciling / Stalled / Unknown: the headline of the conditions. */
  phase: 'Ready' | 'Reconciling' | 'Stalled' | 'Unknown';
  reason: string;
  message: string;
  conditions: SiteCondition[];
  live: { revision: string; digest: string; appliedAt: string; subject: string; pull: number | null; tools: number } | null;
  main: { revision: string; subject: string } | null;
  errors: SiteError[];
  reconciles: SiteReconcile[];
}

export interface SiteServer {
  name: string;
  description: string;
  enabled: boolean;
  secrets: Array<{ name: string; description: string }>;
  sources: Array<{ name: string; url: string }>;
  tools: string[]; // tool ids
}

export interface SiteVersion {
  commit: string;
  author: string;
  date: string;
  message: string;
  pull: number | null;
}

export interface SiteCallError {
  at: string;
  message: string;
}

/** Execution figures from the state store's call log; null when nothing was recorded. */
export interface SiteCalls {
  /** Calls counted below; when `capped`, only the newest that many were read. */
  total: number;
  capped: boolean;
  errors: number;
  medianMs: number | null;
  lastErrors: SiteCallError[];
}

export interface SiteParam {
  name: string;
  type: string;
  required: boolean;
  description: string;
  default?: string;
}

/** What every page needs about a tool (data.json lists these for all tools). */
export interface SiteToolSummary {
  id: string;
  server: string;
  name: string;
  description: string;
  state: ToolState;
  /** Why the tool is in that state, in one sentence. */
  stateReason: string;
  errorCount: number;
}

/** One tool in full (tools/<id>.json): read only by its own page, so data.json stays small. */
export interface SiteTool extends SiteToolSummary {
  timeoutMs: number | null;
  codePath: string;
  code: string;
  /** Highlighted code (Shiki, light and dark themes as CSS variables), made on the server. */
  codeHtml: string | null;
  /** The input schema's properties as rows; null until the live sandbox has derived the schema. */
  params: SiteParam[] | null;
  errors: SiteError[];
  versions: SiteVersion[];
  calls: SiteCalls | null;
}

export interface SitePull {
  number: number;
  kind: string;
  title: string;
  ask: string;
  branch: string;
  author: string;
  createdAt: string;
  head: string | null;
}

export interface SitePolicy {
  builtinModules: string[];
  modules: Array<{ name: string; reason: string }>;
  grants: Array<{ server: string; host: string; port: number | null; reason: string }>;
}

/** URL templates for links to a web forge: `{sha}` and `{number}` are replaced. Null: no links. */
export interface SiteLinks {
  commit: string | null;
  pull: string | null;
}

export interface SiteData {
  overview: SiteOverview;
  servers: SiteServer[];
  tools: SiteToolSummary[];
  pulls: SitePull[];
  policy: SitePolicy;
  links: SiteLinks;
}
