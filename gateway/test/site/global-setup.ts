// Once per test run: build the status site when its sources changed, so the site tests serve a
// current dist/. Test runs started together (several people share a checkout) build one at a time
// under the site's build lock (site/src/site-build.ts, which the gateway uses too). A failed build
// does not stop other suites; the site tests then fail on the missing pages and say why.
import { buildSiteIfStaleSync } from '@mcpbox/site/build';

export default function setup(): void {
  try {
    buildSiteIfStaleSync();
  } catch (err) {
    console.warn(`status site build failed (npm run build -w site): ${err instanceof Error ? err.message : String(err)}`);
  }
}
