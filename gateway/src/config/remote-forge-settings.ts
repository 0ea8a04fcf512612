// Settings of a remote forge (MCPBOX_FORGE=github|gitea): where the repo is, which API to talk to,
// the token, and where its local mirror lives. The token comes from MCPBOX_FORGE_TOKEN or a file
// named by MCPBOX_FORGE_TOKEN_FILE (for container secrets) and is never echoed in an error.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.ts';
import type { Environment } from './environment.ts';

export interface RemoteForgeSettings {
  kind: 'github' | 'gitea';
  /** Clone URL, without credentials. */
  repoUrl: string;
  /** REST API root: https://api.github.com, https://<ghes>/api/v3, https://<gitea>/api/v1. */
  apiUrl: string;
  owner: string;
  repo: string;
  token: string;
  /** The bare mirror under the data dir, which the reconciler and the gateway read. */
  mirrorDir: string;
}


function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** A value from NAME or from the file named by NAME_FILE (trimmed); undefined when neither is set. */
function secretSetting(env: Environment, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && direct !== '' && file !== undefined && file !== '') throw new ConfigError(name, `set either ${name} or ${name}_FILE, not both`);
  if (file !== undefined && file !== '') {
    try {
      const value = readFileSync(file, 'utf8').trim();
      if (value === '') throw new ConfigError(`${name}_FILE`, `the file ${JSON.stringify(file)} is empty`);
      return value;
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(`${name}_FILE`, `cannot read ${JSON.stringify(file)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return direct === undefined || direct === '' ? undefined : direct.trim();
}

export function loadRemoteForgeSettings(kind: 'github' | 'gitea', repoSetting: string | undefined, dataDir: string, env: Environment): RemoteForgeSettings {
  const example = kind === 'github' ? 'https://github.com/acme/mcp-tools.git' : 'https://gitea.example.org/acme/mcp-tools.git';
  if (repoSetting === undefined) throw new ConfigError('MCPBOX_REPO', `MCPBOX_FORGE=${kind} needs the repository URL, e.g. MCPBOX_REPO=${example}`);
  let url: URL;
  try {
    url = new URL(repoSetting);
  } catch {
    throw new ConfigError('MCPBOX_REPO', `expected an https:// URL of the repository with MCPBOX_FORGE=${kind}, e.g. ${example}`);
  }
  if (url.username || url.password) throw new ConfigError('MCPBOX_REPO', 'the URL must not carry credentials; put the token in MCPBOX_FORGE_TOKEN (or MCPBOX_FORGE_TOKEN_FILE)');
  if (url.search || url.hash) throw new ConfigError('MCPBOX_REPO', 'the URL must not have a query or fragment');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError('MCPBOX_REPO', `expected an https:// URL (plain http only on loopback), got ${url.protocol}//${url.host}`);
  }
  const parts = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '').split('/').filter(Boolean);
  if (parts.length < 2) throw new ConfigError('MCPBOX_REPO', `expected <host>/<owner>/<repo>, e.g. ${example}`);
  const repo = parts[parts.length - 1]!;
  const owner = parts[parts.length - 2]!;
  // Gitea may live under a sub-path (https://host/git/owner/repo): the API is below that prefix.
  const prefix = parts.slice(0, -2).map((p) => `/${p}`).join('');
  const apiOverride = env.MCPBOX_FORGE_API_URL;
  let apiUrl: string;
  if (apiOverride !== undefined && apiOverride !== '') {
    try {
      apiUrl = new URL(apiOverride).toString().replace(/\/+$/, '');
    } catch {
      throw new ConfigError('MCPBOX_FORGE_API_URL', `expected a URL, e.g. ${kind === 'github' ? 'https://ghe.example.org/api/v3' : 'https://gitea.example.org/api/v1'}`);
    }
  } else if (kind === 'github') {
    apiUrl = url.hostname === 'github.com' ? 'https://api.github.com' : `${url.origin}${prefix}/api/v3`;
  } else {
    apiUrl = `${url.origin}${prefix}/api/v1`;
  }
  const token = secretSetting(env, 'MCPBOX_FORGE_TOKEN');
  if (token === undefined) {
    throw new ConfigError('MCPBOX_FORGE_TOKEN', `MCPBOX_FORGE=${kind} needs a token that can write branches and open pull requests (README, "GitHub and Gitea"); set MCPBOX_FORGE_TOKEN or MCPBOX_FORGE_TOKEN_FILE`);
  }
  if (/\s/.test(token)) throw new ConfigError('MCPBOX_FORGE_TOKEN', 'the token contains whitespace; paste it again without spaces or line breaks');
  return { kind, repoUrl: `${url.origin}${url.pathname}`, apiUrl, owner, repo, token, mirrorDir: resolve(dataDir, 'mirror.git') };
}

/** MCPBOX_WEBHOOK_SECRET (or _FILE): without one, webhooks are off and polling alone finds merges. */
export function loadWebhookSecret(env: Environment): string | null {
  const secret = secretSetting(env, 'MCPBOX_WEBHOOK_SECRET');
  if (secret === undefined) return null;
  if (secret.length < 16) throw new ConfigError('MCPBOX_WEBHOOK_SECRET', 'use at least 16 characters (e.g. `openssl rand -hex 32`), the same value as the webhook secret on the forge');
  return secret;
}
