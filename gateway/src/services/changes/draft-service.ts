// Drafts: new servers and tool creates/updates/deletes of one server accumulate on the server's
// draft branch (mcpbox/draft/<server>) until mcpbox_request_publish opens its pull request; after
// that, further commits join the open pull request. Versions are git blob ids of the tool's .py.
import {
  checkToolCode,
  defaultToolMeta,
  parseServerFile,
  parseToolMeta,
  serializeServerFile,
  serializeToolMeta,
  serverFilePath,
  toolCodePath,
  toolId,
  toolMetaPath,
  type RepoFile,
  type ToolAnnotations,
  type ToolMeta,
} from '@mcpbox/core';
import { ToolError } from '../../tools/tool-error.ts';
import { blobId } from './blob-id.ts';
import type { Snapshot } from './branch-writer.ts';
import { draftBranch } from './change-branches.ts';
import type { ChangeContext } from './change-context.ts';
import { translated } from './change-errors.ts';

export interface ToolSettings {
  description?: string;
  timeout_ms?: number;
  enabled?: boolean;
  annotations?: ToolAnnotations;
}

export interface DraftResult {
  branch: string;
  /** The new commit, or null when nothing changed. */
  commit: string | null;
}

/** A tool as the draft branch has it (or main, when the branch does not touch it). */
export interface ToolDraft {
  server: string;
  tool: string;
  code: string;
  version: string;
  meta: ToolMeta;
  metaFile: RepoFile | undefined;
  /** Where this version was read: the draft branch (it differs from main there) or main. */
  source: 'draft' | 'main';
  commit: string;
}

export function serverExists(snapshot: Snapshot, server: string): boolean {
  return snapshot.files.has(serverFilePath(server));
}

export function toolFiles(snapshot: Snapshot, server: string, tool: string): { code?: RepoFile; meta?: RepoFile } {
  return { code: snapshot.files.get(toolCodePath(server, tool)), meta: snapshot.files.get(toolMetaPath(server, tool)) };
}

function codeProblems(code: string): void {
  const problems = checkToolCode(code);
  if (problems.length > 0) {
    const text = problems.map((p) => `line ${p.line}${p.col ? `:${p.col}` : ''}: ${p.message}`).join('; ');
    throw new ToolError('invalid_input', `python_code is not a valid tool: ${text}. Fix it (mcpbox_validate_code shows every problem) and call again.`);
  }
}

function metaOf(file: RepoFile | undefined): ToolMeta {
  if (file === undefined) return defaultToolMeta();
  const parsed = parseToolMeta(file.content, file.path);
  if (parsed.value === undefined) {
    throw new ToolError('conflict', `${file.path} on the branch is not valid (${parsed.problems[0]?.message ?? 'unreadable'}); fix it with mcpbox_update_tool by passing all settings again.`);
  }
  return parsed.value;
}

function mergedMeta(base: ToolMeta, settings: ToolSettings): ToolMeta {
  const next: ToolMeta = { ...base };
  if (settings.description !== undefined) next.description = settings.description === '' ? undefined : settings.description;
  if (settings.timeout_ms !== undefined) next.timeout_ms = settings.timeout_ms;
  if (settings.enabled !== undefined) next.enabled = settings.enabled;
  if (settings.annotations !== undefined) next.annotations = settings.annotations;
  return next;
}

function isDefaultMeta(meta: ToolMeta): boolean {
  return meta.enabled && meta.description === undefined && meta.timeout_ms === undefined && meta.annotations === undefined;
}

export class DraftService {
  private readonly ctx: ChangeContext;

  constructor(ctx: ChangeContext) {
    this.ctx = ctx;
  }

  async createServer(server: string, description: string): Promise<DraftResult> {
    const branch = draftBranch(server);
    return translated(async () => {
      const { commit } = await this.ctx.writer.apply(branch, ({ branch: draft, main }) => {
        if (serverExists(main, server)) throw new ToolError('conflict', `Server "${server}" already exists on main. Add tools to it with mcpbox_create_tool, or pick another name.`);
        if (serverExists(draft, server)) throw new ToolError('conflict', `Server "${server}" is already drafted on ${branch}. Add tools to it with mcpbox_create_tool, then mcpbox_request_publish.`);
        return {
          changes: [{ path: serverFilePath(server), content: serializeServerFile({ description, enabled: true, secrets: [] }) }],
          message: `server(${server}): create\n\n${description}`,
        };
      });
      return { branch, commit: commit ?? null };
    });
  }

  async createTool(server: string, tool: string, code: string, settings: ToolSettings): Promise<DraftResult & { version: string }> {
    codeProblems(code);
    const branch = draftBranch(server);
    return translated(async () => {
      const { commit } = await this.ctx.writer.apply(branch, ({ branch: draft, main }) => {
        if (!serverExists(draft, server) && !serverExists(main, server)) {
          throw new ToolError('not_found', `There is no server "${server}" on main or in its draft. Create it first with mcpbox_create_server.`);
        }
        if (toolFiles(draft, server, tool).code !== undefined) {
          const where = toolFiles(main, server, tool).code !== undefined ? 'on main' : `in the draft on ${branch}`;
          throw new ToolError('conflict', `Tool "${toolId(server, tool)}" already exists ${where}. Change it with mcpbox_update_tool instead.`);
        }
        const meta = mergedMeta(defaultToolMeta(), settings);
        return {
          changes: [
            { path: toolCodePath(server, tool), content: code },
            ...(isDefaultMeta(meta) ? [] : [{ path: toolMetaPath(server, tool), content: serializeToolMeta(meta) }]),
          ],
          message: `tool(${server}): add ${tool}`,
          trailers: { 'Mcpbox-Tool': toolId(server, tool) },
        };
      });
      return { branch, commit: commit ?? null, version: blobId(code) };
    });
  }

  async updateTool(server: string, tool: string, code: string | undefined, settings: ToolSettings, expectedVersion: string | undefined): Promise<DraftResult & { version: string; changed: string[] }> {
    if (code !== undefined) codeProblems(code);
    const branch = draftBranch(server);
    let version = '';
    let changed: string[] = [];
    return translated(async () => {
      const { commit } = await this.ctx.writer.apply(branch, ({ branch: draft }) => {
        const current = toolFiles(draft, server, tool);
        if (current.code === undefined) {
          throw new ToolError('not_found', `There is no tool "${toolId(server, tool)}" on main or in the draft on ${branch}. Create it with mcpbox_create_tool.`);
        }
        if (expectedVersion !== undefined && expectedVersion !== current.code.blob) {
          throw new ToolError(
            'conflict',
            `Conflict: tool "${toolId(server, tool)}" changed since version ${expectedVersion.slice(0, 12)}; its current version is ${current.code.blob}. Read it again (mcpbox_get_tool_status shows the draft version), merge your edit into it, and retry with expected_version "${current.code.blob}".`,
          );
        }
        const changes: Array<{ path: string; content: string | null }> = [];
        changed = [];
        if (code !== undefined && code !== current.code.content) {
          changes.push({ path: current.code.path, content: code });
          changed.push('python_code');
        }
        const before = metaOf(current.meta);
        const after = mergedMeta(before, settings);
        const text = isDefaultMeta(after) ? null : serializeToolMeta(after);
        if ((current.meta?.content ?? null) !== text && !(current.meta === undefined && text === null)) {
          changes.push({ path: toolMetaPath(server, tool), content: text });
          changed.push('settings');
        }
        version = code ?? current.code.content;
        if (changes.length === 0) return null;
        return {
          changes,
          message: `tool(${server}): update ${tool} (${changed.join(', ')})`,
          trailers: { 'Mcpbox-Tool': toolId(server, tool) },
        };
      });
      return { branch, commit: commit ?? null, version: blobId(version), changed };
    });
  }

  /** Removes a tool that exists only in the draft (no pull request needed); undefined when the tool is on main. */
  async dropDraftTool(server: string, tool: string): Promise<DraftResult | undefined> {
    const branch = draftBranch(server);
    return translated(async () => {
      if ((await this.ctx.writer.branchHead(branch)) === undefined) return undefined;
      let onMain = false;
      const { commit } = await this.ctx.writer.apply(branch, ({ branch: draft, main }) => {
        onMain = toolFiles(main, server, tool).code !== undefined;
        const files = toolFiles(draft, server, tool);
        if (onMain || files.code === undefined) return null;
        return {
          changes: [files.code, files.meta].filter((f) => f !== undefined).map((f) => ({ path: f.path, content: null })),
          message: `tool(${server}): drop draft ${tool}`,
          trailers: { 'Mcpbox-Tool': toolId(server, tool) },
        };
      });
      if (onMain) return undefined;
      if (commit === undefined) throw new ToolError('not_found', `There is no tool "${toolId(server, tool)}" on main or in the draft on ${branch}.`);
      return { branch, commit };
    });
  }

  /** The tool as it would be published: the draft's version when the draft branch changes it, else main's. */
  async readTool(server: string, tool: string): Promise<ToolDraft> {
    return translated(async () => {
      const branch = draftBranch(server);
      const useDraft = await this.ctx.writer.hasChanges(branch);
      const snapshot = await this.ctx.writer.read(useDraft ? `refs/heads/${branch}` : 'refs/heads/main');
      const files = toolFiles(snapshot, server, tool);
      if (files.code === undefined) {
        throw new ToolError('not_found', `There is no tool "${toolId(server, tool)}" on main or in the draft on ${branch}. Create it with mcpbox_create_tool.`);
      }
      const mainSnapshot = useDraft ? await this.ctx.writer.read('refs/heads/main') : snapshot;
      const mainCode = toolFiles(mainSnapshot, server, tool).code;
      return {
        server,
        tool,
        code: files.code.content,
        version: files.code.blob,
        meta: metaOf(files.meta),
        metaFile: files.meta,
        source: useDraft && mainCode?.blob !== files.code.blob ? 'draft' : 'main',
        commit: snapshot.commit,
      };
    });
  }

  /** The secrets a server declares in a snapshot (server.yaml), or undefined when it is not there. */
  static serverFile(snapshot: Snapshot, server: string) {
    const file = snapshot.files.get(serverFilePath(server));
    if (file === undefined) return undefined;
    const parsed = parseServerFile(file.content, file.path);
    return parsed.value === undefined ? undefined : { file, value: parsed.value };
  }
}
