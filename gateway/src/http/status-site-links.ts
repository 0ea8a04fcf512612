// Links from the status pages to the forge's own pages for commits and pull requests, when main
// lives on GitHub or Gitea. The local forge has no web pages: its PRs link to the pending page.
import type { SiteLinks } from '@mcpbox/site';
import type { RemoteForgeSettings } from '../config/remote-forge-settings.ts';

export function forgeLinks(remote: Pick<RemoteForgeSettings, 'kind' | 'repoUrl'> | null | undefined): SiteLinks {
  if (!remote) return { commit: null, pull: null };
  let web: URL;
  try {
    web = new URL(remote.repoUrl);
  } catch {
    return { commit: null, pull: null };
  }
  // Only a web URL is a page; an ssh:// clone URL has none we can know.
  if (web.protocol !== 'https:' && web.protocol !== 'http:') return { commit: null, pull: null };
  const root = `${web.origin}${web.pathname.replace(/\.git$/, '').replace(/\/+$/, '')}`;
  return { commit: `${root}/commit/{sha}`, pull: `${root}/${remote.kind === 'github' ? 'pull' : 'pulls'}/{number}` };
}
