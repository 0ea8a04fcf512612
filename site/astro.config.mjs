// Static build only: the gateway serves dist/ under /status/ (MCPBOX_SITE_BASE changes that for
// a Pages site under /<repo>/). No integrations, no remote images, no fonts: the build and the
// site work without network.
import { defineConfig } from 'astro/config';

const base = process.env.MCPBOX_SITE_BASE ?? '/status/';

export default defineConfig({
  base,
  output: 'static',
  trailingSlash: 'always',
  build: { format: 'directory', assets: '_astro', inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
  prefetch: false,
});
