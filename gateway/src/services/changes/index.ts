// The write side's services: what the mcpbox_* write tools call.
export { createChangeServices, type ChangeServiceOptions, type ChangeServices } from './change-services.ts';
export { withCaller, currentCaller, callerTrailers, type Caller } from './caller-context.ts';
export { GATEWAY_IDENTITY } from './branch-writer.ts';
export { pullUrl, reviewCommand, type SecretPresence } from './change-context.ts';
export * from './change-branches.ts';
export * from './change-inputs.ts';
export * from './change-outputs.ts';
