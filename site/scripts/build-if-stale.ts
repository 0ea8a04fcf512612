// Run under `flock` (see src/site-build.ts): re-checks under the lock, so of two builds started
// together one builds and the other finds a fresh site. Argument: the output directory.
import { buildSiteUnderLock, SITE_DIST_DIR } from '../src/site-build.ts';

buildSiteUnderLock(process.argv[2] ?? SITE_DIST_DIR);
