// `<dataDir>/gateway.json`: the record a running `mcpbox up` keeps of itself — its pid, its MCP URL,
// when it started and the local-operator credential it accepts from this machine — so `mcpbox
// stdio` on the same data dir bridges to it instead of starting a second reconciler and sandbox.
// Written atomically (temp file + rename), 0600 (the credential is as private as the data dir),
// removed on a clean stop; one left behind by a process that died is stale and ignored.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

const RUNNING_GATEWAY_FILE = 'gateway.json';

const RunningGatewaySchema = z.object({
  pid: z.number().int().positive(),
  url: z.url(),
  startedAt: z.iso.datetime(),
  localOperatorToken: z.string().min(32),
});

export type RunningGateway = z.infer<typeof RunningGatewaySchema>;

type RunningGatewayLookup =
  | { state: 'none' }
  /** A record whose process is gone (or that cannot be read): ignored, and replaced by the next `up`. */
  | { state: 'stale'; reason: string }
  | { state: 'live'; gateway: RunningGateway };

function runningGatewayPath(dataDir: string): string {
  return join(dataDir, RUNNING_GATEWAY_FILE);
}

/** A fresh credential for the local operator, new at every start. */
export function newLocalOperatorToken(): string {
  return randomBytes(32).toString('base64url');
}

export function writeRunningGateway(dataDir: string, gateway: RunningGateway): void {
  const path = runningGatewayPath(dataDir);
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, `${JSON.stringify(RunningGatewaySchema.parse(gateway), null, 2)}\n`, { mode: 0o600 });
  renameSync(staging, path);
}

/** Removes the record if it is still this process's (a later gateway's record is left alone). */
export function removeRunningGateway(dataDir: string, pid: number = process.pid): void {
  const found = findRunningGateway(dataDir);
  if (found.state === 'live' && found.gateway.pid !== pid) return;
  rmSync(runningGatewayPath(dataDir), { force: true });
}

export function findRunningGateway(dataDir: string): RunningGatewayLookup {
  const path = runningGatewayPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none' };
    return { state: 'stale', reason: `${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  let parsed: ReturnType<typeof RunningGatewaySchema.safeParse>;
  try {
    parsed = RunningGatewaySchema.safeParse(JSON.parse(text));
  } catch {
    return { state: 'stale', reason: `${path} is not JSON` };
  }
  if (!parsed.success) return { state: 'stale', reason: `${path} is not a gateway record: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const gateway = parsed.data;
  // Our own pid in the record means its writer is gone (a container restarted with the same pid).
  if (gateway.pid === process.pid || !isProcessAlive(gateway.pid)) return { state: 'stale', reason: `the gateway recorded in ${path} (pid ${gateway.pid}) is not running` };
  return { state: 'live', gateway };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
