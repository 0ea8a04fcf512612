export * from './contract.ts';
/** The shape of an analysis, as the child must send it; also what a cached analysis must still match. */
export { AnalysisSchema } from './ipc/messages.ts';
export { SAFE_MODULES, effectiveModules } from './policy/safe-modules.ts';
export * from './network/index.ts';
export { createSandbox, SandboxInputError, SandboxClosedError, SandboxBusyError, type SandboxPool } from './pool/sandbox-pool.ts';
export type { SandboxOptions, SandboxLog, HttpBridgeLike } from './pool/options.ts';
export { SandboxStartError } from './pool/sandbox-child.ts';
export { SnapshotBuildError, ensureSnapshot } from './snapshot/snapshot-cache.ts';
export { redactText, redactValue, secretNeedles, REDACTION } from './secrets/redact.ts';
export * as sandboxLimits from './limits.ts';
export { analyzerFingerprint } from './snapshot/analyzer-fingerprint.ts';
