// The tools repo as mcpbox sees it: desired state of a revision, tool versions, creation, and
// notice of `main` moving.
export { listToolVersions } from './list-tool-versions.ts';
export { initRepo, type InitRepoResult } from './init-repo.ts';
export { watchMain, type MainWatcher, type WatchMainOptions } from './watch-main.ts';
export { announceMainMoved, onMainMoved, type MainMoved } from './main-events.ts';
export { readDesiredState } from './read-desired-state.ts';
export { maintainRepo } from './maintain-repo.ts';
