// The state store's public surface: one store, one repository per concern.
export { openStateStore, StateStoreError, STATE_DB_FILE } from './state-store.ts';
export type { StateStore } from './state-store.ts';
export { ReconcilerStatusRepository } from './reconciler-status-repository.ts';
export type { HistoryRecord } from './reconciler-status-repository.ts';
export { ReconcileRequestRepository } from './reconcile-request-repository.ts';
export type { ReconcileRequest } from './reconcile-request-repository.ts';
export { AnalysisCacheRepository } from './analysis-cache-repository.ts';
export { ServerSwitchRepository } from './server-switch-repository.ts';
export type { ServerSwitch } from './server-switch-repository.ts';
export { ExecutionLogRepository } from './execution-log-repository.ts';
export type { ExecutionLogEntry, ExecutionLogInput, ExecutionLogQuery, RetentionPolicy } from './execution-log-repository.ts';
export { SecretRepository } from './secret-repository.ts';
export type { SealedSecretRow } from './secret-repository.ts';
