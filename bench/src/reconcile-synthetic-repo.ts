// A synthetic tools repo for the reconcile benches: N tools over N/100 servers, written in one
// `git fast-import` stream (seconds for 10,000 files, where commits through a work tree take minutes).
import { execFileSync, spawnSync } from 'node:child_process';

const COMMITTER = 'Bench <bench@example.test> 1700000000 +0000';

export function syntheticToolCode(i: number, variant = 0): string {
  return `async def main(text: str, times: int = ${1 + (i % 5)}) -> dict:\n    """Synthetic tool ${i}, variant ${variant}."""\n    return {"n": len(text) * times, "i": ${i}}\n`;
}

function fileCommand(path: string, content: string): string {
  return `M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
}

function commitHeader(message: string, parent?: string): string {
  return `commit refs/heads/main\ncommitter ${COMMITTER}\ndata ${Buffer.byteLength(message)}\n${message}\n${parent ? `from ${parent}\n` : ''}`;
}

/** Create a bare repo at gitDir whose main holds `tools` tools. Returns main's sha. */
export function buildSyntheticRepo(gitDir: string, tools: number): string {
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', gitDir]);
  const parts: string[] = [commitHeader(`synthetic repo with ${tools} tools`)];
  parts.push(fileCommand('mcpbox.yaml', 'apiVersion: mcpbox/v1\ndefaults:\n  timeout_ms: 30000\n  memory_mb: 256\nallow_empty: false\n'));
  parts.push(fileCommand('policy/modules.yaml', 'allowed: []\n'));
  parts.push(fileCommand('policy/network.yaml', 'grants: []\n'));
  const servers = Math.max(1, Math.ceil(tools / 100));
  for (let s = 0; s < servers; s++) parts.push(fileCommand(`servers/s${s}/server.yaml`, `description: synthetic server ${s}\nenabled: true\nsecrets: []\n`));
  for (let i = 0; i < tools; i++) parts.push(fileCommand(toolPath(i), syntheticToolCode(i)));
  fastImport(gitDir, parts.join(''));
  return resolveMain(gitDir);
}

export function toolPath(i: number): string {
  return `servers/s${Math.floor(i / 100)}/tools/t${i}.py`;
}

/** Commit a change to one tool on main (as a merge would land it). Returns the new sha. */
export function changeOneTool(gitDir: string, i: number, variant: number): string {
  const parent = resolveMain(gitDir);
  fastImport(gitDir, commitHeader(`change tool ${i} (variant ${variant})`, parent) + fileCommand(toolPath(i), syntheticToolCode(i, variant)));
  return resolveMain(gitDir);
}

function fastImport(gitDir: string, stream: string): void {
  const r = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: gitDir, input: stream, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr.toString()}`);
}

function resolveMain(gitDir: string): string {
  return execFileSync('git', ['rev-parse', 'refs/heads/main'], { cwd: gitDir, encoding: 'utf8' }).trim();
}
