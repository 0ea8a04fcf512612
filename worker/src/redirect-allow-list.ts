// Where this front may send authorization codes. An entry is an exact redirect URI, a prefix ending
// in `/` (https://claude.ai/api/mcp/), or `loopback` (http on localhost, 127.0.0.0/8 or [::1], any
// port: desktop clients and the MCP Inspector). The defaults cover claude.ai, chatgpt.com and loopback;
// REDIRECT_URIS replaces them.
import { WorkerConfigError } from './worker-config-error.ts';

export interface RedirectAllowList {
  entries: string[];
  loopback: boolean;
}

const DEFAULT_REDIRECT_URIS = [
  'https://claude.ai/api/mcp/auth_callback',
  'https://claude.com/api/mcp/auth_callback',
  'https://chatgpt.com/connector_platform_oauth_redirect',
  'loopback',
];

export function parseRedirectAllowList(raw: string | undefined): RedirectAllowList {
  const items = raw === undefined ? DEFAULT_REDIRECT_URIS : raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const list: RedirectAllowList = { entries: [], loopback: false };
  for (const [index, item] of items.entries()) {
    if (item === 'loopback') {
      list.loopback = true;
      continue;
    }
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw new WorkerConfigError('REDIRECT_URIS', `entry ${index + 1} (${JSON.stringify(item)}) is not an absolute URL or "loopback"`);
    }
    if (url.protocol !== 'https:' || url.hash !== '' || url.username !== '') {
      throw new WorkerConfigError('REDIRECT_URIS', `entry ${index + 1} (${JSON.stringify(item)}) must be an https URL without fragment or user info (use "loopback" for local apps)`);
    }
    list.entries.push(item);
  }
  return list;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export function isAllowedRedirect(list: RedirectAllowList, redirectUri: string): boolean {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  if (list.loopback && url.protocol === 'http:' && isLoopbackHost(url.hostname)) return true;
  return list.entries.some((entry) => redirectUri === entry || (entry.endsWith('/') && redirectUri.startsWith(entry)));
}
