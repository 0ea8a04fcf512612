// Once per test run: build the status site when its sources changed, so the site tests serve a
// current dist/ and no two test files rebuild it under each other. A failed build does not stop
// other suites; the site tests then fail on the missing pages and say why.
import { ensureSiteBuilt } from './site-support.ts';

export default function setup(): void {
  try {
    ensureSiteBuilt();
  } catch (err) {
    console.warn(`status site build failed (npm run build -w site): ${err instanceof Error ? err.message.split('\n', 1)[0] : String(err)}`);
  }
}
