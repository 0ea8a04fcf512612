// The write side of the management API in one object: drafts, code checks and tests, pull-request
// requests, derived status and runtime switches. Built once per gateway over the gateway's
// BranchForge, which cannot move main.
import { createLocalBranchForge, type BranchForge, type ServerSwitchRepository } from '@mcpbox/core';
import type { LiveRegistry } from '@mcpbox/reconciler';
import type { Sandbox } from '@mcpbox/sandbox';
import type { MainStateReader } from '../main-state.ts';
import { GATEWAY_IDENTITY, BranchWriter } from './branch-writer.ts';
import type { ChangeContext, SecretPresence } from './change-context.ts';
import { CodeService } from './code-service.ts';
import { DraftService } from './draft-service.ts';
import { RequestService } from './request-service.ts';
import { ServerSwitchService } from './server-switch-service.ts';
import { StatusService } from './status-service.ts';

export interface ChangeServiceOptions {
  gitDir: string;
  mainState: MainStateReader;
  registry: LiveRegistry;
  sandbox?: Sandbox | null;
  serverSwitches?: ServerSwitchRepository | null;
  secretValues?: SecretPresence | null;
  /** Defaults to the local forge over gitDir, acting as mcpbox <mcpbox@localhost>. */
  forge?: BranchForge;
}

export interface ChangeServices {
  context: ChangeContext;
  drafts: DraftService;
  code: CodeService;
  requests: RequestService;
  status: StatusService;
  switches: ServerSwitchService;
}

export function createChangeServices(options: ChangeServiceOptions): ChangeServices {
  const forge = options.forge ?? createLocalBranchForge({ gitDir: options.gitDir, identity: GATEWAY_IDENTITY });
  const context: ChangeContext = {
    gitDir: options.gitDir,
    forge,
    writer: new BranchWriter(options.gitDir, forge),
    mainState: options.mainState,
    registry: options.registry,
    sandbox: options.sandbox ?? null,
    serverSwitches: options.serverSwitches ?? null,
    secretValues: options.secretValues ?? null,
  };
  const drafts = new DraftService(context);
  const code = new CodeService(context, drafts);
  return {
    context,
    drafts,
    code,
    requests: new RequestService(context, drafts, code),
    status: new StatusService(context),
    switches: new ServerSwitchService(context),
  };
}
