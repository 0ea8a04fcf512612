// The built status site as files: a path under /status/ maps to a file of dist/ (directories to
// their index.html), never outside it. Hashed assets under _astro/ are cached for good; pages are
// revalidated so a rebuilt site shows at once.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface SiteFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

export class StatusSiteFiles {
  readonly #root: string;

  constructor(root: string) {
    this.#root = normalize(root.endsWith(sep) ? root : root + sep);
  }

  get root(): string {
    return this.#root;
  }

  async isBuilt(): Promise<boolean> {
    return (await this.#fileAt(join(this.#root, 'index.html'))) !== null;
  }

  /** The file for a path relative to the site (e.g. "servers/", "_astro/x.js"); null when there is none. */
  async read(relative: string): Promise<SiteFile | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(relative);
    } catch {
      return null;
    }
    if (decoded.includes('\0') || decoded.split('/').some((part) => part === '..')) return null;
    const candidate = normalize(join(this.#root, decoded));
    if (!candidate.startsWith(this.#root) && candidate + sep !== this.#root) return null;
    const path = (await this.#fileAt(candidate)) ?? (await this.#fileAt(join(candidate, 'index.html')));
    if (!path) return null;
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    const immutable = decoded.startsWith('_astro/');
    return { body: await readFile(path), contentType: type, cacheControl: immutable ? 'public, max-age=31536000, immutable' : 'no-cache' };
  }

  async #fileAt(path: string): Promise<string | null> {
    try {
      return (await stat(path)).isFile() ? path : null;
    } catch {
      return null;
    }
  }
}
