import { defineConfig } from 'vitest/config';

// One runner for every workspace. Tests use real git, real Pyodide child processes and real
// HTTP servers, so they get generous timeouts; speed targets live in bench/, never here.
export default defineConfig({
  test: {
    include: ['{core,sandbox,reconciler,gateway,site,worker}/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Builds the status site when its sources changed (the site tests serve site/dist).
    globalSetup: ['gateway/test/site/global-setup.ts'],
    reporters: ['default'],
  },
});
