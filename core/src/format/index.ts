// Public surface of the tools-repo format v1: the desired-state model, one schema/parse/serialize
// trio per file kind, the name rules, and parseRepoFiles for a whole revision.
export * from './model.ts';
export * from './names.ts';
export {
  DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS, MAX_MEMORY_MB, MAX_TIMEOUT_MS, MIN_MEMORY_MB, MIN_TIMEOUT_MS, isHttpUrl,
} from './field-types.ts';
export { API_VERSION, REPO_CONFIG_PATH, RepoConfigSchema, defaultRepoConfig, parseRepoConfig, serializeRepoConfig } from './repo-config.ts';
export { MODULES_POLICY_PATH, ModulesPolicySchema, emptyModulesPolicy, parseModulesPolicy, serializeModulesPolicy } from './modules-policy.ts';
export { NETWORK_POLICY_PATH, NetworkPolicySchema, emptyNetworkPolicy, parseNetworkPolicy, serializeNetworkPolicy } from './network-policy.ts';
export { SERVER_FILE_NAME, ServerFileSchema, parseServerFile, serializeServerFile, type ServerFile } from './server-file.ts';
export { ToolAnnotationsSchema, ToolMetaSchema, defaultToolMeta, parseToolMeta, serializeToolMeta } from './tool-meta.ts';
export { SourceFileSchema, parseSourceFile, serializeSourceFile, type SourceFile } from './source-file.ts';
export { MAX_TOOL_CODE_BYTES, checkToolCode, type CodeProblem } from './python-shape.ts';
export { classifyPath, serverFilePath, sourceFilePath, toolCodePath, toolMetaPath, type RepoPath } from './repo-paths.ts';
export { readYamlFile, type Position, type YamlFileResult } from './yaml-file.ts';
export { toCanonicalYaml } from './canonical-yaml.ts';
export { parseRepoFiles, type ParseRepoOptions } from './parse-repo.ts';
export {
  describeHiddenCharacter, describeHiddenCharacters, displayJson, findBidiControls, markHiddenCharacters, findHiddenCharacters, visibleText, type HiddenCharacter, type HiddenKind, type VisibleTextOptions,
} from './display-text.ts';
