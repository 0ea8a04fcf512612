// Run under `flock` by the global setup: re-checks under the lock, so of two test runs starting
// together one builds and the other finds a fresh site/dist.
import { ensureSiteBuilt } from './site-support.ts';

ensureSiteBuilt();
