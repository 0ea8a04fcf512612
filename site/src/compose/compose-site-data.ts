// Composes data.json: main's desired state (what should run), the live revision (what runs), the
// reconciler status (why they differ), pull requests (what is asked) and call figures (how tools
// behave). Git reads are cached per revision, highlighting per blob, so a request after the first
// for a revision costs a PR listing and a status read.
import { commitSubject, readDesiredState, type DesiredState, type FileCommit, type PullRequest, type ServerSpec, type ToolSpec } from '@mcpbox/core';
import type { LiveRevision, ReconcilerStatus } from '@mcpbox/reconciler';
import { SAFE_MODULES } from '@mcpbox/sandbox';
import type { SiteCalls, SiteData, SiteError, SiteLinks, SiteOverview, SitePolicy, SiteServer, SiteTool, SiteToolSummary } from '../model.ts';
import { CodeHighlighter } from './highlight.ts';
import { inputParams } from './input-params.ts';
import { PullMembership, toolVersions } from './tool-history.ts';

/** Execution figures per tool id, from wherever calls are logged; null when none were recorded. */
export interface CallStatsSource {
  forTool(id: string): SiteCalls | null;
}

export interface SiteSources {
  source: 'gateway' | 'build';
  /** Commit sha of main (or of the checkout being built); null when the repo has no main yet. */
  mainRevision: string | null;
  live: LiveRevision | null;
  status: ReconcilerStatus | null;
  /** Pull requests in every state: open ones are listed, merged ones name the PR of a commit. */
  pulls: readonly PullRequest[];
  calls?: CallStatsSource | null;
}

export interface SiteComposerOptions {
  gitDir: string;
  links?: SiteLinks;
}

const RECONCILES_SHOWN = 10;

export class SiteDataComposer {
  readonly #gitDir: string;
  readonly #links: SiteLinks;
  readonly #highlighter = new CodeHighlighter();
  readonly #membership: PullMembership;
  #main: { revision: string; state: Promise<DesiredState>; versions: Promise<Map<string, FileCommit[]>> } | null = null;
  readonly #subjects = new Map<string, Promise<string>>();

  constructor(options: SiteComposerOptions) {
    this.#gitDir = options.gitDir;
    this.#links = options.links ?? { commit: null, pull: null };
    this.#membership = new PullMembership(options.gitDir);
  }

  async compose(sources: SiteSources): Promise<SiteData> {
    const main = sources.mainRevision ? this.#mainOf(sources.mainRevision) : null;
    const [mainState, pullOf] = await Promise.all([main?.state ?? null, this.#membership.byCommit(sources.pulls)]);
    const desired = mainState ?? sources.live?.state ?? null;
    const errors = lastErrors(sources, mainState);
    const tools = desired ? toolSpecs(desired).map(({ server, spec }) => summary(server, spec, sources, errors)) : [];
    return {
      overview: await this.#overview(sources, mainState, errors, pullOf),
      servers: desired ? servers(desired) : [],
      tools,
      pulls: sources.pulls
        .filter((p) => p.state === 'open')
        .sort((a, b) => a.number - b.number)
        .map((p) => ({ number: p.number, kind: p.kind, title: p.title, ask: p.body, branch: p.branch, author: p.author.name, createdAt: p.createdAt, head: p.head })),
      policy: policy(sources.live?.state ?? desired),
      links: this.#links,
    };
  }

  /** One tool in full for its page (tools/<id>.json); null when main (or the live revision) has no such tool. */
  async composeTool(sources: SiteSources, id: string): Promise<SiteTool | null> {
    const main = sources.mainRevision ? this.#mainOf(sources.mainRevision) : null;
    const [mainState, versions, pullOf] = await Promise.all([main?.state ?? null, main?.versions ?? new Map<string, FileCommit[]>(), this.#membership.byCommit(sources.pulls)]);
    const desired = mainState ?? sources.live?.state ?? null;
    const found = desired ? toolSpecs(desired).find(({ spec }) => spec.id === id) : undefined;
    if (!desired || !found) return null;
    const { server, spec } = found;
    const errors = lastErrors(sources, mainState);
    const live = sources.live?.tools.get(spec.id) ?? null;
    const head = summary(server, spec, sources, errors);
    return {
      ...head,
      timeoutMs: spec.meta.timeout_ms ?? live?.timeoutMs ?? desired.config.defaults.timeout_ms,
      codePath: spec.codePath,
      code: spec.code,
      codeHtml: await this.#highlighter.python(spec.code, spec.codeBlob).catch(() => null),
      params: live && live.codeBlob === spec.codeBlob ? inputParams(live.inputSchema) : null,
      errors: errorsOf(server, spec, errors),
      versions: (versions.get(spec.id) ?? []).map((v) => ({ commit: v.commit, author: v.author, date: v.date, message: v.message, pull: pullOf.get(v.commit) ?? null })),
      calls: sources.calls?.forTool(spec.id) ?? null,
    };
  }

  #mainOf(revision: string) {
    if (this.#main?.revision !== revision) {
      const state = readDesiredState(this.#gitDir, revision);
      const versions = toolVersions(this.#gitDir, revision);
      // Cached promises must not reject unobserved when a caller gives up early.
      state.catch(() => {});
      versions.catch(() => {});
      this.#main = { revision, state, versions };
    }
    return this.#main;
  }

  #subject(revision: string): Promise<string> {
    let subject = this.#subjects.get(revision);
    if (!subject) {
      if (this.#subjects.size >= 1000) this.#subjects.clear();
      subject = commitSubject(this.#gitDir, revision).catch(() => '');
      this.#subjects.set(revision, subject);
    }
    return subject;
  }

  async #overview(sources: SiteSources, mainState: DesiredState | null, errors: SiteError[], pullOf: Map<string, number>): Promise<SiteOverview> {
    const { status, live } = sources;
    const headline = phase(status, sources.source);
    return {
      source: sources.source,
      generatedAt: new Date().toISOString(),
      ...headline,
      conditions: status?.conditions ?? [],
      live: live
        ? { revision: live.revision, digest: live.digest, appliedAt: live.appliedAt, subject: await this.#subject(live.revision), pull: pullOf.get(live.revision) ?? null, tools: live.tools.size }
        : null,
      main: mainState ? { revision: mainState.revision, subject: await this.#subject(mainState.revision) } : null,
      errors,
      reconciles: (status?.history ?? []).slice(0, RECONCILES_SHOWN).map((h) => ({
        revision: h.revision,
        result: h.result,
        durationMs: h.duration_ms,
        at: h.at,
        ...(h.message === undefined ? {} : { message: h.message }),
      })),
    };
  }
}

function toolSpecs(desired: DesiredState): Array<{ server: ServerSpec; spec: ToolSpec }> {
  return Object.values(desired.servers)
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((server) =>
      Object.values(server.tools)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((spec) => ({ server, spec })),
    );
}

function errorsOf(server: ServerSpec, spec: ToolSpec, errors: readonly SiteError[]): SiteError[] {
  return errors.filter((e) => e.file === spec.codePath || (spec.metaPath !== undefined && e.file === spec.metaPath) || e.file.startsWith(`servers/${server.name}/tools/${spec.name}.`));
}

/** A tool's state: failing (main's files have errors), disabled, live (main's code is what runs) or pending. */
function summary(server: ServerSpec, spec: ToolSpec, sources: SiteSources, errors: readonly SiteError[]): SiteToolSummary {
  const live = sources.live?.tools.get(spec.id) ?? null;
  const own = errorsOf(server, spec, errors);
  const enabled = server.enabled && spec.meta.enabled;
  const [state, stateReason] =
    own.length > 0
      ? (['failing', live ? "main's version has errors, so the live version keeps serving." : "main's version has errors, so it is not serving."] as const)
      : !enabled
        ? (['disabled', server.enabled ? 'Disabled in its metadata file.' : `Server ${server.name} is disabled.`] as const)
        : live && live.codeBlob === spec.codeBlob
          ? (['live', sources.live ? `Serving from revision ${sources.live.revision.slice(0, 10)}.` : 'Serving.'] as const)
          : live
            ? (['pending', 'main has a newer version that is not applied yet; the previous version keeps serving.'] as const)
            : (['pending', sources.source === 'build' ? 'Valid on this revision; live once a gateway applies it.' : 'On main, not applied yet.'] as const);
  return { id: spec.id, server: server.name, name: spec.name, description: spec.meta.description ?? live?.description ?? '', state, stateReason, errorCount: own.length };
}

/** Errors that stand now: the last failed attempt's (when main is still that revision) and main's own problems. */
function lastErrors(sources: SiteSources, mainState: DesiredState | null): SiteError[] {
  const found: SiteError[] = [];
  const status = sources.status;
  const stillMain = !mainState || !status?.lastAttemptedRevision || status.lastAttemptedRevision === mainState.revision;
  if (status && stillMain) found.push(...status.errors);
  for (const p of mainState?.problems ?? []) if (p.severity === 'error') found.push({ file: p.file, message: p.message, ...(p.line ? { line: p.line } : {}), ...(p.col ? { col: p.col } : {}) });
  const seen = new Set<string>();
  return found.filter((e) => {
    const key = `${e.file}:${e.line ?? ''}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function phase(status: ReconcilerStatus | null, source: SiteSources['source']): Pick<SiteOverview, 'phase' | 'reason' | 'message'> {
  if (!status) return { phase: 'Unknown', reason: source === 'build' ? 'NoReconciler' : 'NoStatus', message: 'no reconciler status was recorded' };
  const get = (type: string) => status.conditions.find((c) => c.type === type);
  const ready = get('Ready');
  const stalled = get('Stalled');
  const reconciling = get('Reconciling');
  if (stalled?.status === 'True') return { phase: 'Stalled', reason: stalled.reason, message: [ready?.message, stalled.message].filter(Boolean).join('; ') };
  if (reconciling?.status === 'True') return { phase: 'Reconciling', reason: reconciling.reason, message: reconciling.message };
  if (ready?.status === 'True') return { phase: 'Ready', reason: ready.reason, message: ready.message };
  // Ready False without a stall is a transient failure being retried; Unknown is the first start.
  return { phase: 'Reconciling', reason: ready?.reason ?? 'Initializing', message: ready?.message ?? '' };
}

function servers(state: DesiredState): SiteServer[] {
  return Object.values(state.servers)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => ({
      name: s.name,
      description: s.description,
      enabled: s.enabled,
      secrets: s.secrets.map((x) => ({ name: x.name, description: x.description })),
      // Origin only: a URL's path or query may carry a token.
      sources: Object.values(s.sources).map((x) => ({ name: x.name, url: originOf(x.url) })),
      tools: Object.values(s.tools)
        .map((t) => t.id)
        .sort(),
    }));
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

function policy(state: DesiredState | null): SitePolicy {
  return {
    builtinModules: [...SAFE_MODULES].sort(),
    modules: state?.modules.allowed.map((m) => ({ name: m.name, reason: m.reason })) ?? [],
    grants: state?.network.grants.map((g) => ({ server: g.server, host: g.host, port: g.port ?? null, reason: g.reason })) ?? [],
  };
}
