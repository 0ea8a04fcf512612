// Configuration from the environment: defaults, and one clear line for every bad value.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.ts';

function failure(env: Record<string, string>): string {
  try {
    loadConfig(env, '/srv/app');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has loopback defaults and derives the repo from the data dir', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      dataDir: '/srv/app/.mcpbox',
      repo: '/srv/app/.mcpbox/repo.git',
      forge: 'local',
      auth: 'none',
      logLevel: 'info',
    });
    expect(config.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('honours every variable', () => {
    const config = loadConfig(
      {
        MCPBOX_HOST: 'localhost',
        MCPBOX_PORT: '9123',
        MCPBOX_DATA_DIR: '/data',
        MCPBOX_REPO: 'repos/tools.git',
        LOG_LEVEL: 'debug',
        MCPBOX_ALLOWED_ORIGINS: 'App.Example.com, ::1',
      },
      '/srv/app',
    );
    expect(config).toMatchObject({ host: 'localhost', port: 9123, dataDir: '/data', repo: '/srv/app/repos/tools.git', logLevel: 'debug' });
    expect(config.allowedOrigins).toEqual(['localhost', '127.0.0.1', '[::1]', 'app.example.com']);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ MCPBOX_PORT: '', MCPBOX_REPO: '' }, '/x').port).toBe(8000);
  });

  it('names the variable, the expectation and the value in one line', () => {
    expect(failure({ MCPBOX_PORT: 'abc' })).toBe('MCPBOX_PORT: expected a port number 1–65535, got "abc"');
    expect(failure({ MCPBOX_PORT: '70000' })).toBe('MCPBOX_PORT: expected a port number 1–65535, got "70000"');
    expect(failure({ MCPBOX_PORT: '80.5' })).toMatch(/^MCPBOX_PORT: expected a port number/);
    expect(failure({ LOG_LEVEL: 'loud' })).toBe('LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(failure({ MCPBOX_FORGE: 'gitlab' })).toMatch(/^MCPBOX_FORGE: expected one of local, github, gitea/);
    expect(failure({ MCPBOX_HOST: 'bad host!' })).toMatch(/^MCPBOX_HOST: expected a host name or IP address/);
    expect(failure({ MCPBOX_ALLOW_UNAUTHENTICATED: 'maybe' })).toMatch(/^MCPBOX_ALLOW_UNAUTHENTICATED: expected true or false/);
  });

  it('says which features are not supported yet', () => {
    expect(failure({ MCPBOX_FORGE: 'github' })).toMatch(/^MCPBOX_REPO: MCPBOX_FORGE=github needs the repository URL/);
    expect(failure({ MCPBOX_AUTH: 'bearer' })).toMatch(/^MCPBOX_BEARER_TOKENS: MCPBOX_AUTH=bearer needs at least one token/);
    expect(failure({ MCPBOX_REPO: 'https://github.com/me/tools.git' })).toMatch(/^MCPBOX_REPO: a repository URL needs MCPBOX_FORGE=github or MCPBOX_FORGE=gitea/);
  });

  it('refuses an unauthenticated non-loopback bind unless acknowledged, and then needs allowed hosts', () => {
    expect(failure({ MCPBOX_HOST: '0.0.0.0' })).toMatch(/^MCPBOX_AUTH: "none" is only allowed on a loopback bind/);
    expect(failure({ MCPBOX_HOST: '0.0.0.0', MCPBOX_ALLOW_UNAUTHENTICATED: 'true' })).toMatch(/^MCPBOX_ALLOWED_HOSTS: a non-loopback bind/);
    const config = loadConfig({ MCPBOX_HOST: '0.0.0.0', MCPBOX_ALLOW_UNAUTHENTICATED: 'true', MCPBOX_ALLOWED_HOSTS: 'mcpbox.lan' }, '/x');
    expect(config.allowedHosts).toContain('mcpbox.lan');
  });

  it('skips bind checks for stdio', () => {
    expect(loadConfig({ MCPBOX_HOST: '0.0.0.0' }, '/x', 'stdio').host).toBe('0.0.0.0');
  });

  it('reads the sandbox caps, and refuses a draft cap above the total', () => {
    expect(loadConfig({}, '/x').limits).toMatchObject({ sandboxMaxChildren: 16, sandboxMaxDraftChildren: 2 });
    expect(loadConfig({ MCPBOX_SANDBOX_MAX_CHILDREN: '4', MCPBOX_SANDBOX_MAX_DRAFT_CHILDREN: '4' }, '/x').limits).toMatchObject({ sandboxMaxChildren: 4, sandboxMaxDraftChildren: 4 });
    expect(failure({ MCPBOX_SANDBOX_MAX_CHILDREN: '0' })).toBe('MCPBOX_SANDBOX_MAX_CHILDREN: expected a whole number 1–1000, got "0"');
    expect(failure({ MCPBOX_SANDBOX_MAX_CHILDREN: '3', MCPBOX_SANDBOX_MAX_DRAFT_CHILDREN: '5' })).toBe(
      'MCPBOX_SANDBOX_MAX_DRAFT_CHILDREN: draft children are part of MCPBOX_SANDBOX_MAX_CHILDREN (3), so at most that many, got 5; lower it or raise MCPBOX_SANDBOX_MAX_CHILDREN');
  });
});
