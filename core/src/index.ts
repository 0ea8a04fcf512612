export * from './format/model.ts';
export * from './state/index.ts';
