export * from './format/index.ts';
export * from './state/index.ts';
export * from './git/index.ts';
export * from './repo/index.ts';
export * from './forge/index.ts';
export * from './secrets/index.ts';
