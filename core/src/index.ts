export * from './format/index.ts';
export * from './state/index.ts';
