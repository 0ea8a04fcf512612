// mcpbox.yaml: the format version and repo-wide defaults.
import * as z from 'zod';
import { toCanonicalYaml } from './canonical-yaml.ts';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS, Flag, MemoryMb, TimeoutMs } from './field-types.ts';
import type { RepoConfig } from './model.ts';
import { readYamlFile, type YamlFileResult } from './yaml-file.ts';

export const REPO_CONFIG_PATH = 'mcpbox.yaml';
export const API_VERSION = 'mcpbox/v1';

export const RepoConfigSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION).describe(`\`${API_VERSION}\` (the only format version this mcpbox reads)`),
  defaults: z
    .strictObject({
      timeout_ms: TimeoutMs.default(DEFAULT_TIMEOUT_MS),
      memory_mb: MemoryMb.default(DEFAULT_MEMORY_MB),
    })
    .describe('a mapping with `timeout_ms` and `memory_mb`')
    .default({ timeout_ms: DEFAULT_TIMEOUT_MS, memory_mb: DEFAULT_MEMORY_MB }),
  allow_empty: Flag.default(false),
}) satisfies z.ZodType<RepoConfig>;

/** What a repo without mcpbox.yaml (or with a broken one) is read with, so later checks still run. */
export function defaultRepoConfig(): RepoConfig {
  return { apiVersion: API_VERSION, defaults: { timeout_ms: DEFAULT_TIMEOUT_MS, memory_mb: DEFAULT_MEMORY_MB }, allow_empty: false };
}

export function parseRepoConfig(content: string, path: string = REPO_CONFIG_PATH): YamlFileResult<RepoConfig> {
  return readYamlFile(path, content, RepoConfigSchema);
}

export function serializeRepoConfig(value: RepoConfig): string {
  return toCanonicalYaml({
    apiVersion: value.apiVersion,
    defaults: { timeout_ms: value.defaults.timeout_ms, memory_mb: value.defaults.memory_mb },
    allow_empty: value.allow_empty,
  });
}
