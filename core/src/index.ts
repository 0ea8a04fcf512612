export * from './format/model.ts';
