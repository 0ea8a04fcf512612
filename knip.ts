// The project's declared-vs-imported and dead-code check, run by `npm run check` (package.json
// "check:deps") in two passes:
//   knip                                     unused files, exports, dependencies; unlisted imports
//   knip --production --strict --dependencies  every package that production code (entries and
//                                            project files marked "!") imports is declared in that
//                                            workspace's own "dependencies": no reliance on hoisting,
//                                            on a sibling workspace or on the root's devDependencies
// Test files are entries through the Vitest plugin; files started by path are listed here.
import type { KnipConfig } from 'knip';

const production = process.argv.includes('--production');

const config: KnipConfig = {
  // Test files are never product code, even when a benchmark reuses a test fixture.
  ignore: production ? ['*/test/**'] : [],
  // system tools the tests call (Debian packages, not npm)
  ignoreBinaries: ['flock', 'openssl', 'script'],
  workspaces: {
    '.': {
      entry: ['scripts/*.ts'],
      project: ['bin/**/*.js!', 'scripts/**/*.ts'],
      // run by path from node_modules (gateway/test/inspector.test.ts)
      ignoreDependencies: ['@modelcontextprotocol/inspector'],
    },
    core: {
      // a child process and a one-off script that a test or a person starts by path
      entry: ['test/forge/concurrent-writer.ts', 'test/support/fake-forge/extract-github-spec.ts'],
      project: ['src/**/*.ts!', 'test/**/*.ts'],
    },
    sandbox: {
      // the child's entry files are started by path (src/child/spawn-line.ts, src/child/worker-launcher.ts)
      entry: [
        'src/child/control.ts!',
        'src/child/build-snapshot.ts!',
        'src/child/py-worker.ts!',
        'test/adversarial/fixtures/evil-child.ts',
        'test/fixtures/exit-without-close.ts',
      ],
      project: ['src/**/*.ts!', 'test/**/*.ts'],
    },
    reconciler: {
      project: ['src/**/*.ts!', 'test/**/*.ts'],
    },
    gateway: {
      // each CLI verb is loaded by path (src/cli/program.ts)
      entry: ['src/cli/commands/*.ts!'],
      project: ['src/**/*.ts!', 'test/**/*.ts'],
    },
    site: {
      entry: ['scripts/*.ts!'],
      project: ['src/**/*.{ts,astro}!', 'scripts/**/*.ts!'],
      // knip's Astro plugin sees `astro` (the build) only outside production mode
      ignoreDependencies: production ? ['astro'] : [],
    },
    worker: {},
    bench: {
      // each benchmark is a script run directly (src/run.ts starts them one by one)
      entry: ['src/*.ts!'],
      project: ['src/**/*.ts!'],
    },
  },
};

export default config;
