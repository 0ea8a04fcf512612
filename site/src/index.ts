// @mcpbox/site: the status site. The Astro project builds the static shell into dist/; this module
// is what the gateway (and the Pages build) use to compose the data the pages render.
export type * from './model.ts';
export { SiteDataComposer } from './compose/compose-site-data.ts';
export type { CallStatsSource, SiteSources, SiteComposerOptions } from './compose/compose-site-data.ts';
export { CodeHighlighter } from './compose/highlight.ts';
export { inputParams } from './compose/input-params.ts';
// Where the site is built, and building it when stale: `@mcpbox/site/build` (src/site-build.ts).
