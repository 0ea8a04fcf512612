// MCPBOX_FORGE=github|gitea settings: URL, API root, token (also from a file), webhook secret, each
// mistake named in one line without echoing a secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcpbox-forge-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(env: Record<string, string>): string {
  try {
    loadConfig(env, '/srv');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('remote forge configuration', () => {
  it('derives owner, repo, API root and the mirror for GitHub, GitHub Enterprise and Gitea', () => {
    const gh = loadConfig({ MCPBOX_FORGE: 'github', MCPBOX_REPO: 'https://github.com/acme/mcp-tools.git', MCPBOX_FORGE_TOKEN: 'ghp_x' }, '/srv');
    expect(gh.remote).toMatchObject({ kind: 'github', owner: 'acme', repo: 'mcp-tools', apiUrl: 'https://api.github.com', token: 'ghp_x', mirrorDir: '/srv/.mcpbox/mirror.git' });
    expect(gh.repo).toBe('/srv/.mcpbox/mirror.git');
    expect(gh.webhookSecret).toBeNull();
    const ghes = loadConfig({ MCPBOX_FORGE: 'github', MCPBOX_REPO: 'https://ghe.example.org/acme/tools', MCPBOX_FORGE_TOKEN: 't' }, '/srv');
    expect(ghes.remote?.apiUrl).toBe('https://ghe.example.org/api/v3');
    const gitea = loadConfig({ MCPBOX_FORGE: 'gitea', MCPBOX_REPO: 'https://code.example.org/git/acme/tools.git', MCPBOX_FORGE_TOKEN: 't' }, '/srv');
    expect(gitea.remote).toMatchObject({ owner: 'acme', repo: 'tools', apiUrl: 'https://code.example.org/git/api/v1' });
    const override = loadConfig({ MCPBOX_FORGE: 'gitea', MCPBOX_REPO: 'https://a.example/o/r', MCPBOX_FORGE_TOKEN: 't', MCPBOX_FORGE_API_URL: 'https://api.a.example/v1/' }, '/srv');
    expect(override.remote?.apiUrl).toBe('https://api.a.example/v1');
  });

  it('reads the token and the webhook secret from files', () => {
    writeFileSync(join(dir, 'token'), 'from-file-token\n');
    writeFileSync(join(dir, 'hook'), 'a-webhook-secret-of-32-characters\n');
    const config = loadConfig({ MCPBOX_FORGE: 'gitea', MCPBOX_REPO: 'https://g.example/o/r.git', MCPBOX_FORGE_TOKEN_FILE: join(dir, 'token'), MCPBOX_WEBHOOK_SECRET_FILE: join(dir, 'hook') }, '/srv');
    expect(config.remote?.token).toBe('from-file-token');
    expect(config.webhookSecret).toBe('a-webhook-secret-of-32-characters');
  });

  it('names each mistake in one line, never echoing a secret', () => {
    expect(failure({ MCPBOX_FORGE: 'github' })).toMatch(/^MCPBOX_REPO: MCPBOX_FORGE=github needs the repository URL/);
    expect(failure({ MCPBOX_FORGE: 'github', MCPBOX_REPO: 'https://github.com/acme/tools.git' })).toMatch(/^MCPBOX_FORGE_TOKEN: MCPBOX_FORGE=github needs a token/);
    const creds = failure({ MCPBOX_FORGE: 'github', MCPBOX_REPO: 'https://bot:hunter2@github.com/acme/tools.git', MCPBOX_FORGE_TOKEN: 't' });
    expect(creds).toMatch(/^MCPBOX_REPO: the URL must not carry credentials/);
    expect(creds).not.toContain('hunter2');
    expect(failure({ MCPBOX_FORGE: 'gitea', MCPBOX_REPO: 'http://gitea.example.org/a/b', MCPBOX_FORGE_TOKEN: 't' })).toMatch(/^MCPBOX_REPO: expected an https:\/\/ URL \(plain http only on loopback\)/);
    expect(failure({ MCPBOX_FORGE: 'gitea', MCPBOX_REPO: 'https://gitea.example.org/only-one', MCPBOX_FORGE_TOKEN: 't' })).toMatch(/^MCPBOX_REPO: expected <host>\/<owner>\/<repo>/);
    expect(failure({ MCPBOX_FORGE: 'github', MCPBOX_REPO: 'https://github.com/a/b', MCPBOX_FORGE_TOKEN_FILE: join(dir, 'missing') })).toMatch(/^MCPBOX_FORGE_TOKEN_FILE: cannot read .* \(ENOENT\)/);
    expect(failure({ MCPBOX_FORGE: 'github', MCPBOX_REPO: 'https://github.com/a/b', MCPBOX_FORGE_TOKEN: 'x', MCPBOX_FORGE_TOKEN_FILE: join(dir, 'token') })).toMatch(/^MCPBOX_FORGE_TOKEN: set either/);
    const short = failure({ MCPBOX_WEBHOOK_SECRET: 'short' });
    expect(short).toMatch(/^MCPBOX_WEBHOOK_SECRET: use at least 16 characters/);
    expect(short).not.toContain('"short"');
    expect(failure({ MCPBOX_REPO: 'https://github.com/me/tools.git' })).toMatch(/^MCPBOX_REPO: a repository URL needs MCPBOX_FORGE=github or MCPBOX_FORGE=gitea/);
  });
});
