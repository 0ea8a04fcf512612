// The reconciler's status, after Flux's model: which revision was seen, tried and applied, three
// conditions that say where things stand, the errors of the last failed attempt (each naming a
// file), and a short history. One typed value, persisted whole and validated when read back.
import * as z from 'zod';

const CONDITION_TYPES = ['Ready', 'Reconciling', 'Stalled'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

const ConditionSchema = z.object({
  type: z.enum(CONDITION_TYPES),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: z.string(),
});
export type Condition = z.infer<typeof ConditionSchema>;

const StatusErrorSchema = z.object({
  file: z.string(),
  line: z.number().int().optional(),
  col: z.number().int().optional(),
  message: z.string(),
});
export type StatusError = z.infer<typeof StatusErrorSchema>;

const HISTORY_RESULTS = ['applied', 'unchanged', 'invalid', 'refused', 'failed'] as const;
export type HistoryResult = (typeof HISTORY_RESULTS)[number];

const ReconcileHistoryEntrySchema = z.object({
  revision: z.string(),
  digest: z.string().nullable(),
  duration_ms: z.number(),
  result: z.enum(HISTORY_RESULTS),
  message: z.string().optional(),
  at: z.string(),
});
export type ReconcileHistoryEntry = z.infer<typeof ReconcileHistoryEntrySchema>;

export const ReconcilerStatusSchema = z.object({
  observedRevision: z.string().nullable(),
  lastAttemptedRevision: z.string().nullable(),
  lastAppliedRevision: z.string().nullable(),
  lastAppliedDigest: z.string().nullable(),
  /** Token of the last manual request handled (Flux's lastHandledReconcileAt). */
  lastHandledReconcileAt: z.string().nullable(),
  suspended: z.boolean(),
  conditions: z.array(ConditionSchema),
  errors: z.array(StatusErrorSchema),
  history: z.array(ReconcileHistoryEntrySchema),
  /** Set while transient failures are being retried with backoff. */
  retry: z.object({ attempt: z.number().int(), nextAttemptAt: z.string().nullable() }).nullable(),
  /** A revision that failed validation (or was refused): never retried automatically. */
  failedRevision: z.string().nullable(),
  tools: z.number().int(),
  updatedAt: z.string(),
});
export type ReconcilerStatus = z.infer<typeof ReconcilerStatusSchema>;

export const HISTORY_SHOWN = 10;

export function initialStatus(now: string): ReconcilerStatus {
  return {
    observedRevision: null,
    lastAttemptedRevision: null,
    lastAppliedRevision: null,
    lastAppliedDigest: null,
    lastHandledReconcileAt: null,
    suspended: false,
    conditions: [
      { type: 'Ready', status: 'Unknown', reason: 'Initializing', message: 'the reconciler has not finished a reconcile yet', lastTransitionTime: now },
      { type: 'Reconciling', status: 'False', reason: 'Initializing', message: '', lastTransitionTime: now },
      { type: 'Stalled', status: 'False', reason: 'Initializing', message: '', lastTransitionTime: now },
    ],
    errors: [],
    history: [],
    retry: null,
    failedRevision: null,
    tools: 0,
    updatedAt: now,
  };
}

/** Set one condition; lastTransitionTime only moves when the status value itself changes. */
export function withCondition(
  conditions: readonly Condition[],
  type: ConditionType,
  status: Condition['status'],
  reason: string,
  message: string,
  now: string,
): Condition[] {
  const previous = conditions.find((c) => c.type === type);
  const next: Condition = {
    type,
    status,
    reason,
    message,
    lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : now,
  };
  return CONDITION_TYPES.map((t) => (t === type ? next : conditions.find((c) => c.type === t))).filter(
    (c): c is Condition => c !== undefined,
  );
}
