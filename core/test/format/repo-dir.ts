// Test-side reading of a folder as a revision's files, the way core/repo hands them over: repo-relative
// paths, git blob ids, contents decoded as UTF-8 (invalid bytes become U+FFFD).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RepoFile } from '../../src/index.ts';

function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function readRepoDir(dir: string, skip: (path: string) => boolean = () => false): RepoFile[] {
  const files: RepoFile[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      const path = relative(dir, full).split(sep).join('/');
      if (skip(path)) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const bytes = readFileSync(full);
        files.push({ path, blob: gitBlobId(bytes), content: new TextDecoder('utf-8').decode(bytes) });
      }
    }
  };
  walk(dir);
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function file(path: string, content: string): RepoFile {
  return { path, blob: gitBlobId(new TextEncoder().encode(content)), content };
}
