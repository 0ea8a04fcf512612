// The write side's services: what the mcpbox_* write tools call.
export { createChangeServices, type ChangeServices } from './change-services.ts';
export { type SecretPresence } from './change-context.ts';
export * from './change-branches.ts';
export * from './change-inputs.ts';
export * from './change-outputs.ts';
