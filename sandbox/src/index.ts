export * from './contract.ts';
export { SAFE_MODULES } from './policy/safe-modules.ts';
export * from './network/index.ts';
