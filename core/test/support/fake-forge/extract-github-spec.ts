// Re-creates github-openapi.json (the operations the GitHub adapter uses, schemas dereferenced)
// from @octokit/openapi, which is 400 MB unpacked and therefore not a dependency. Run it when
// bumping the spec version:
//   npm pack @octokit/openapi@<version> && tar xzf octokit-openapi-*.tgz package/generated/api.github.com.deref.json
//   node core/test/support/fake-forge/extract-github-spec.ts package/generated/api.github.com.deref.json
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GITHUB_OPERATIONS: ReadonlyArray<readonly [method: string, path: string]> = [
  ['get', '/repos/{owner}/{repo}/git/ref/{ref}'],
  ['post', '/repos/{owner}/{repo}/git/refs'],
  ['patch', '/repos/{owner}/{repo}/git/refs/{ref}'],
  ['delete', '/repos/{owner}/{repo}/git/refs/{ref}'],
  ['get', '/repos/{owner}/{repo}/git/commits/{commit_sha}'],
  ['post', '/repos/{owner}/{repo}/git/trees'],
  ['post', '/repos/{owner}/{repo}/git/commits'],
  ['post', '/repos/{owner}/{repo}/pulls'],
  ['get', '/repos/{owner}/{repo}/pulls'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['patch', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['put', '/repos/{owner}/{repo}/pulls/{pull_number}/merge'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/statuses/{sha}'],
  ['get', '/repos/{owner}/{repo}/commits/{ref}/statuses'],
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const source = process.argv[2];
  if (!source) throw new Error('usage: extract-github-spec.ts <api.github.com.deref.json>');
  const spec = JSON.parse(readFileSync(source, 'utf8'));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path] of GITHUB_OPERATIONS) {
    const op = spec.paths[path]?.[method];
    if (!op) throw new Error(`not in the spec: ${method} ${path}`);
    const { operationId, parameters, requestBody, responses } = op;
    (paths[path] ??= {})[method] = { operationId, parameters, requestBody, responses };
  }
  const out = { openapi: spec.openapi, info: { title: spec.info.title, version: spec.info.version, license: spec.info.license }, paths };
  writeFileSync(join(import.meta.dirname, 'github-openapi.json'), JSON.stringify(out));
}
