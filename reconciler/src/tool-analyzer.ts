// Analysis of tool code by the sandbox, cached by blob id in the state store: an unchanged tool
// is never analyzed twice, across revisions and across restarts.
import { AnalysisSchema, type Analysis, type Sandbox } from '@mcpbox/sandbox';
import type { AnalysisCacheRepository } from '@mcpbox/core';
import { ReconcileError } from './errors.ts';

/** The part of the sandbox the reconciler uses; `analyzeMany` when the sandbox offers the batch form. */
export type AnalyzingSandbox = Pick<Sandbox, 'analyze'> & {
  analyzeMany?(codes: string[]): Promise<Analysis[]>;
  /** When offered, the reconciler stops the process of a server that a revision removed (prune). */
  stop?(server: string): Promise<void>;
};

/** No verdict: the analyzer died or timed out on this source (the sandbox says so by kind). */
const analyzerCrashed = (a: Analysis): boolean => a.failure?.kind === 'analyzer_crashed';

export interface AnalysisRequest {
  blob: string;
  code: string;
}

export interface AnalysisBatch {
  analyses: Map<string, Analysis>; // by blob
  analyzed: number; // how many went to the sandbox (cache misses)
}

export class ToolAnalyzer {
  readonly #sandbox: AnalyzingSandbox;
  readonly #cache: AnalysisCacheRepository;
  /** Blobs analyzed in this process, tallied for tests and benches ("analyzed once"). */
  analyzedTotal = 0;

  constructor(sandbox: AnalyzingSandbox, cache: AnalysisCacheRepository) {
    this.#sandbox = sandbox;
    this.#cache = cache;
  }

  /** Analyses for every request: from `known` (already in memory), the cache, then the sandbox. */
  async analyze(requests: AnalysisRequest[], known?: ReadonlyMap<string, Analysis>): Promise<AnalysisBatch> {
    const analyses = new Map<string, Analysis>();
    const needed = new Map<string, string>(); // blob → code
    for (const r of requests) {
      const hit = known?.get(r.blob);
      if (hit) analyses.set(r.blob, hit);
      else needed.set(r.blob, r.code);
    }
    if (needed.size > 0) {
      for (const [blob, value] of this.#cache.getMany(needed.keys())) {
        const parsed = AnalysisSchema.safeParse(value);
        if (!parsed.success) continue; // a stale or foreign entry: analyze again
        analyses.set(blob, parsed.data);
        needed.delete(blob);
      }
    }
    if (needed.size === 0) return { analyses, analyzed: 0 };

    const blobs = [...needed.keys()];
    const codes = blobs.map((b) => needed.get(b)!);
    const results = await this.#analyzeInSandbox(codes);
    // An analyzer that dies mid-batch may answer "invalid" for code that is fine. A verdict of
    // invalid is therefore confirmed by a second, separate analysis before it can fail a revision.
    const invalid = results.flatMap((a, i) => (a.valid ? [] : [i]));
    if (invalid.length > 0) {
      const confirmed = await this.#analyzeInSandbox(invalid.map((i) => codes[i]!));
      const crash = confirmed.find(analyzerCrashed);
      if (crash) throw new ReconcileError('AnalysisFailed', `the sandbox's analyzer crashed twice on the same source: ${crash.errors[0]!.message} (${crash.failure!.detail})`);
      invalid.forEach((i, k) => (results[i] = confirmed[k]!));
    }
    const fresh: Array<[string, Analysis]> = blobs.map((b, i) => [b, results[i]!]);
    // Only valid analyses are cached: an invalid tool is cheap to look at again, and a cached
    // false verdict would outlive whatever caused it.
    this.#cache.putMany(fresh.filter(([, a]) => a.valid));
    for (const [b, a] of fresh) analyses.set(b, a);
    this.analyzedTotal += fresh.length;
    return { analyses, analyzed: fresh.length };
  }

  async #analyzeInSandbox(codes: string[]): Promise<Analysis[]> {
    let results: Analysis[];
    try {
      results = this.#sandbox.analyzeMany
        ? await this.#sandbox.analyzeMany(codes)
        : await Promise.all(codes.map((c) => this.#sandbox.analyze(c)));
    } catch (err) {
      throw new ReconcileError('AnalysisFailed', `the sandbox could not analyze ${codes.length} tool(s): ${(err as Error).message}`);
    }
    if (results.length !== codes.length) {
      throw new ReconcileError('AnalysisFailed', `the sandbox returned ${results.length} analyses for ${codes.length} tools`);
    }
    return results;
  }
}
