// Where each file of format v1 lives, and which other files a tools repo may hold without comment.
import { MODULES_POLICY_PATH } from './modules-policy.ts';
import { NETWORK_POLICY_PATH } from './network-policy.ts';
import { REPO_CONFIG_PATH } from './repo-config.ts';
import { SERVER_FILE_NAME } from './server-file.ts';

export type RepoPath =
  | { kind: 'config' }
  | { kind: 'modules_policy' }
  | { kind: 'network_policy' }
  | { kind: 'server'; server: string }
  | { kind: 'tool_code'; server: string; tool: string }
  | { kind: 'tool_meta'; server: string; tool: string }
  | { kind: 'source'; server: string; source: string }
  /** A file a tools repo commonly holds that is not desired state (CI, docs, licence): skipped silently. */
  | { kind: 'ignored' }
  /** Anything else: skipped with a warning, since it is probably a mistake (a typo, a wrong extension). */
  | { kind: 'unknown'; hint: string };

/** Where the files of a server, tool or source live; the one place these paths are spelled out. */
export function serverFilePath(server: string): string {
  return `servers/${server}/${SERVER_FILE_NAME}`;
}

export function toolCodePath(server: string, tool: string): string {
  return `servers/${server}/tools/${tool}.py`;
}

export function toolMetaPath(server: string, tool: string): string {
  return `servers/${server}/tools/${tool}.yaml`;
}

export function sourceFilePath(server: string, source: string): string {
  return `servers/${server}/sources/${source}.yaml`;
}

const IGNORED_DIRECTORIES = ['.github/', '.gitea/', '.forgejo/'];
const IGNORED_ROOT_FILES = new Set([
  'README.md', 'README', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', 'COPYING', 'CODEOWNERS', 'CHANGELOG.md',
  'CONTRIBUTING.md', 'SECURITY.md', '.gitignore', '.gitattributes', '.editorconfig', '.mailmap',
]);
const IGNORED_ANYWHERE = new Set(['.gitkeep', 'README.md']);

const SERVER_FILE = /^servers\/([^/]+)\/server\.yaml$/;
const TOOL_FILE = /^servers\/([^/]+)\/tools\/([^/]+)\.(py|yaml)$/;
const SOURCE_FILE = /^servers\/([^/]+)\/sources\/([^/]+)\.yaml$/;

export function classifyPath(path: string): RepoPath {
  if (path === REPO_CONFIG_PATH) return { kind: 'config' };
  if (path === MODULES_POLICY_PATH) return { kind: 'modules_policy' };
  if (path === NETWORK_POLICY_PATH) return { kind: 'network_policy' };
  const server = SERVER_FILE.exec(path);
  if (server?.[1] !== undefined) return { kind: 'server', server: server[1] };
  const tool = TOOL_FILE.exec(path);
  if (tool?.[1] !== undefined && tool[2] !== undefined) {
    return { kind: tool[3] === 'py' ? 'tool_code' : 'tool_meta', server: tool[1], tool: tool[2] };
  }
  const source = SOURCE_FILE.exec(path);
  if (source?.[1] !== undefined && source[2] !== undefined) return { kind: 'source', server: source[1], source: source[2] };
  if (IGNORED_DIRECTORIES.some((dir) => path.startsWith(dir)) || IGNORED_ROOT_FILES.has(path)) return { kind: 'ignored' };
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (IGNORED_ANYWHERE.has(base) && (path === base || path.startsWith('servers/') || path.startsWith('policy/'))) return { kind: 'ignored' };
  return { kind: 'unknown', hint: unknownPathHint(path) };
}

function unknownPathHint(path: string): string {
  if (path.endsWith('.yml')) {
    const renamed = `${path.slice(0, -'.yml'.length)}.yaml`;
    if (classifyPath(renamed).kind !== 'unknown') return `mcpbox reads \`.yaml\` files only — rename it to \`${renamed}\``;
  }
  if (/^servers\/[^/]+\/tools\/[^/]+$/.test(path)) return 'a tool is a `.py` file, optionally with a `.yaml` beside it of the same name';
  if (/^servers\/[^/]+\/tools\/.+\//.test(path)) return 'tools may not be in sub-folders: put the file directly in `tools/`';
  if (/^servers\/[^/]+\/[^/]+$/.test(path)) return `a server folder holds \`${SERVER_FILE_NAME}\`, \`tools/\` and \`sources/\` only`;
  if (path.startsWith('policy/')) return 'the policy folder holds `modules.yaml` and `network.yaml` only';
  return 'it is not part of the tools-repo format v1 (see README.md)';
}
