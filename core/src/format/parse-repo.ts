// One revision's files → its DesiredState. Pure: the caller (core/repo) reads git, this only reads
// the strings it is given. Every problem points at a file (and a line when there is one); errors make
// the revision invalid as a whole, warnings do not. Nothing thrown here may escape: a bug while
// reading one file becomes a problem on that file.
import { closestWord } from './closest-word.ts';
import { emptyModulesPolicy, parseModulesPolicy } from './modules-policy.ts';
import type { DesiredState, ModulesPolicy, NetworkPolicy, Problem, RepoConfig, RepoFile, ServerSpec, SourceSpec, ToolSpec } from './model.ts';
import { nameProblem, toolId, TOOL_ID_MAX_LENGTH } from './names.ts';
import { emptyNetworkPolicy, parseNetworkPolicy } from './network-policy.ts';
import { checkToolCode } from './python-shape.ts';
import { defaultRepoConfig, parseRepoConfig, REPO_CONFIG_PATH, API_VERSION } from './repo-config.ts';
import { classifyPath } from './repo-paths.ts';
import { parseServerFile, SERVER_FILE_NAME, type ServerFile } from './server-file.ts';
import { parseSourceFile } from './source-file.ts';
import { defaultToolMeta, parseToolMeta } from './tool-meta.ts';
import type { YamlFileResult } from './yaml-file.ts';

/** The files found under one `servers/<server>/` folder. */
interface ServerFolder {
  serverFile?: RepoFile;
  code: Map<string, RepoFile>;
  meta: Map<string, RepoFile>;
  sources: Map<string, RepoFile>;
}

export interface ParseRepoOptions {
  /**
   * The sandbox's built-in safe module set (SAFE_MODULES of @mcpbox/sandbox). Core may not import the
   * sandbox, so the composition root passes it in; when given, policy entries for modules already in
   * it are reported as redundant (a warning).
   */
  safeModules?: Iterable<string>;
}

export function parseRepoFiles(revision: string, files: RepoFile[], options: ParseRepoOptions = {}): DesiredState {
  const problems: Problem[] = [];
  const report = new ProblemLog(problems);
  const blobs: Record<string, string> = {};
  let config: RepoConfig = defaultRepoConfig();
  let modules: ModulesPolicy = emptyModulesPolicy();
  let network: NetworkPolicy = emptyNetworkPolicy();
  let modulesFile: YamlFileResult<ModulesPolicy> | undefined;
  let networkFile: YamlFileResult<NetworkPolicy> | undefined;
  let sawConfig = false;
  const folders = new Map<string, ServerFolder>();
  const folderOf = (server: string): ServerFolder => {
    let folder = folders.get(server);
    if (folder === undefined) {
      folder = { code: new Map(), meta: new Map(), sources: new Map() };
      folders.set(server, folder);
    }
    return folder;
  };

  for (const file of files) {
    blobs[file.path] = file.blob;
    report.guard(file.path, () => {
      const where = classifyPath(file.path);
      switch (where.kind) {
        case 'config': {
          sawConfig = true;
          const parsed = report.add(parseRepoConfig(file.content, file.path));
          if (parsed.value) config = parsed.value;
          break;
        }
        case 'modules_policy':
          modulesFile = report.add(parseModulesPolicy(file.content, file.path));
          if (modulesFile.value) modules = modulesFile.value;
          break;
        case 'network_policy':
          networkFile = report.add(parseNetworkPolicy(file.content, file.path));
          if (networkFile.value) network = networkFile.value;
          break;
        case 'server':
          folderOf(where.server).serverFile = file;
          break;
        case 'tool_code':
          folderOf(where.server).code.set(where.tool, file);
          break;
        case 'tool_meta':
          folderOf(where.server).meta.set(where.tool, file);
          break;
        case 'source':
          folderOf(where.server).sources.set(where.source, file);
          break;
        case 'ignored':
          break;
        case 'unknown':
          report.warning(file.path, `file ignored: ${where.hint}`);
          break;
      }
    });
  }

  if (!sawConfig) {
    report.error(REPO_CONFIG_PATH, `missing \`${REPO_CONFIG_PATH}\`: every tools repo needs one at its root, with at least \`apiVersion: ${API_VERSION}\``, null);
  }

  const servers: Record<string, ServerSpec> = {};
  reportCaseCollisions(report, [...folders.keys()], (name) => folderFiles(folders.get(name))[0]?.path ?? `servers/${name}`);
  for (const [name, folder] of [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    report.guard(`servers/${name}`, () => {
      const server = readServerFolder(report, name, folder);
      if (server) servers[name] = server;
    });
  }

  report.guard('policy', () => {
    if (options.safeModules) checkModuleGrants(report, modules, modulesFile, new Set(options.safeModules));
    checkNetworkGrants(report, network, networkFile, [...folders].filter(([, f]) => f.serverFile !== undefined).map(([n]) => n));
  });

  problems.sort(byPosition);
  return { revision, config, modules, network, servers, blobs, problems };
}

function readServerFolder(report: ProblemLog, name: string, folder: ServerFolder): ServerSpec | undefined {
  const all = folderFiles(folder);
  const badName = nameProblem(name, 'server');
  if (badName) report.error(folder.serverFile?.path ?? all[0]?.path ?? `servers/${name}`, `${badName} (the folder name is the server name)`);

  let serverFile: ServerFile | undefined;
  if (folder.serverFile === undefined) {
    for (const file of all) {
      report.error(file.path, `server \`${name}\` has no \`servers/${name}/${SERVER_FILE_NAME}\` — add it (with at least \`description\`) or move this file to an existing server`);
    }
  } else {
    serverFile = report.add(parseServerFile(folder.serverFile.content, folder.serverFile.path)).value;
  }

  const tools: Record<string, ToolSpec> = {};
  const toolNames = [...new Set([...folder.code.keys(), ...folder.meta.keys()])].sort();
  reportCaseCollisions(report, toolNames, (tool) => (folder.code.get(tool) ?? folder.meta.get(tool))?.path ?? '');
  for (const tool of toolNames) {
    const codeFile = folder.code.get(tool);
    const metaFile = folder.meta.get(tool);
    report.guard(codeFile?.path ?? metaFile?.path ?? '', () => {
      const spec = readTool(report, name, tool, codeFile, metaFile);
      if (spec) tools[tool] = spec;
    });
  }

  const sources: Record<string, SourceSpec> = {};
  reportCaseCollisions(report, [...folder.sources.keys()], (source) => folder.sources.get(source)?.path ?? '');
  for (const [source, file] of folder.sources) {
    report.guard(file.path, () => {
      const nameIssue = nameProblem(source, 'source');
      if (nameIssue) report.error(file.path, `${nameIssue} (the file name is the source name)`);
      const parsed = report.add(parseSourceFile(file.content, file.path));
      const value = parsed.value;
      if (value === undefined) return;
      const secret = value.auth.type === 'none' ? undefined : value.auth.secret;
      if (secret !== undefined && serverFile !== undefined && !serverFile.secrets.some((s) => s.name === secret)) {
        const position = parsed.positionOf(['auth', 'secret']);
        report.error(file.path, `secret \`${secret}\` is not declared in \`servers/${name}/${SERVER_FILE_NAME}\` — add it under \`secrets:\` there`, position);
      }
      if (nameIssue === undefined) sources[source] = { server: name, name: source, path: file.path, blob: file.blob, ...value };
    });
  }

  if (badName || serverFile === undefined || folder.serverFile === undefined) return undefined;
  return { name, path: folder.serverFile.path, blob: folder.serverFile.blob, ...serverFile, tools, sources };
}

function readTool(report: ProblemLog, server: string, tool: string, codeFile: RepoFile | undefined, metaFile: RepoFile | undefined): ToolSpec | undefined {
  const nameIssue = nameProblem(tool, 'tool');
  if (nameIssue) report.error(codeFile?.path ?? metaFile?.path ?? '', `${nameIssue} (the file name is the tool name)`);
  const id = toolId(server, tool);
  if (nameIssue === undefined && id.length > TOOL_ID_MAX_LENGTH) {
    report.error(codeFile?.path ?? metaFile?.path ?? '', `the public tool name \`${id}\` is ${id.length} characters long; MCP clients accept at most ${TOOL_ID_MAX_LENGTH} — shorten the server or tool name`);
  }

  let meta = defaultToolMeta();
  if (metaFile) {
    if (codeFile === undefined) {
      report.error(metaFile.path, `\`${tool}.yaml\` has no \`${tool}.py\` beside it — add the tool's code or delete this file`);
    }
    const parsed = report.add(parseToolMeta(metaFile.content, metaFile.path));
    if (parsed.value) meta = parsed.value;
  }
  if (codeFile === undefined) return undefined;
  const codeProblems = checkToolCode(codeFile.content);
  for (const problem of codeProblems) {
    report.error(codeFile.path, problem.message, { line: problem.line, col: problem.col });
  }
  // A file that is not Python text (too big, not UTF-8, empty…) never reaches the analyzer, which
  // would only report the same fault again in other words.
  if (nameIssue || codeProblems.length > 0) return undefined;
  return {
    server,
    name: tool,
    id,
    codePath: codeFile.path,
    code: codeFile.content,
    codeBlob: codeFile.blob,
    meta,
    ...(metaFile ? { metaPath: metaFile.path, metaBlob: metaFile.blob } : {}),
  };
}

function checkModuleGrants(report: ProblemLog, modules: ModulesPolicy, file: YamlFileResult<ModulesPolicy> | undefined, safe: Set<string>): void {
  modules.allowed.forEach((entry, index) => {
    if (!safe.has(entry.name)) return;
    const position = file?.positionOf(['allowed', index, 'name']);
    report.warning('policy/modules.yaml', `module \`${entry.name}\` is in the built-in safe set already, so this entry grants nothing — remove it`, position);
  });
}

function checkNetworkGrants(report: ProblemLog, network: NetworkPolicy, file: YamlFileResult<NetworkPolicy> | undefined, servers: string[]): void {
  const known = new Set(servers);
  network.grants.forEach((grant, index) => {
    if (known.has(grant.server)) return;
    const guess = closestWord(grant.server, servers);
    const hint = guess ? `did you mean \`${guess}\`?` : `add \`servers/${grant.server}/${SERVER_FILE_NAME}\` or fix the name`;
    report.error('policy/network.yaml', `grant for unknown server \`${grant.server}\`: there is no \`servers/${grant.server}/${SERVER_FILE_NAME}\` — ${hint}`, file?.positionOf(['grants', index, 'server']));
  });
}

/** Names that differ only in case collide on case-insensitive file systems (macOS, Windows). */
function reportCaseCollisions(report: ProblemLog, names: string[], pathOf: (name: string) => string): void {
  const byFolded = new Map<string, string[]>();
  for (const name of names) byFolded.set(name.toLowerCase(), [...(byFolded.get(name.toLowerCase()) ?? []), name]);
  for (const group of byFolded.values()) {
    if (group.length < 2) continue;
    // The all-lower-case spelling is the one to keep; the others are the ones to rename.
    for (const name of group.filter((candidate) => candidate !== candidate.toLowerCase())) {
      const others = group.filter((other) => other !== name).map((other) => `\`${other}\``).join(', ');
      report.error(pathOf(name), `\`${name}\` collides with ${others}: names that differ only in case clash on case-insensitive file systems — keep one lower-case name`);
    }
  }
}

function folderFiles(folder: ServerFolder | undefined): RepoFile[] {
  if (folder === undefined) return [];
  const files = [...(folder.serverFile ? [folder.serverFile] : []), ...folder.code.values(), ...folder.meta.values(), ...folder.sources.values()];
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function byPosition(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}

/** A position in a file; `null` for a problem about a file that does not exist. */
type Located = { line: number; col?: number | undefined };

/** Collects problems; file-level problems without a better position point at line 1. */
class ProblemLog {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    this.problems = problems;
  }

  add<T>(result: YamlFileResult<T>): YamlFileResult<T> {
    this.problems.push(...result.problems);
    return result;
  }

  error(file: string, message: string, position: Located | null = { line: 1 }): void {
    this.push({ file, message, severity: 'error' }, position);
  }

  warning(file: string, message: string, position: Located | null = { line: 1 }): void {
    this.push({ file, message, severity: 'warning' }, position);
  }

  /** Runs one file's checks; an unexpected exception becomes an error on that file instead of escaping. */
  guard(file: string, check: () => void): void {
    try {
      check();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.error(file, `internal error while reading this file (${reason}) — please report it with the file attached`);
    }
  }

  private push(problem: Problem, position: Located | null): void {
    if (position) {
      problem.line = position.line;
      if (position.col !== undefined) problem.col = position.col;
    }
    this.problems.push(problem);
  }
}

