export * from './contract.ts';
export { SAFE_MODULES } from './policy/safe-modules.ts';
export * from './network/index.ts';
export { createSandbox, SandboxInputError, SandboxClosedError, type SandboxPool } from './pool/sandbox-pool.ts';
export type { SandboxOptions, SandboxLog, HttpBridgeLike } from './pool/options.ts';
export { SandboxStartError } from './pool/sandbox-child.ts';
export { SnapshotBuildError, ensureSnapshot } from './snapshot/snapshot-cache.ts';
export { redactText, redactValue, secretNeedles, REDACTION } from './secrets/redact.ts';
export * as sandboxLimits from './limits.ts';
