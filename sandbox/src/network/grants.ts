// Does one of a server's grants cover a URL's host, port and scheme?
//
// - Hosts compare in canonical form (see host-name.ts): case, trailing dot, IDN and odd IPv4
//   spellings do not matter, and a grant for a name never covers an IP literal or the reverse.
// - A grant without a port covers HTTPS on 443 only. HTTPS is the default: plain http is allowed
//   only by a grant that names a port (a LAN device such as `homeassistant.lan:8123`, or `:80` if
//   someone really wants plain http to a public host). A grant with a port covers exactly that
//   port, for http and https alike.
// - A grant that names a port is also what opens private addresses for its host, and a grant for
//   `localhost` or a loopback literal with a port opens loopback (see address-policy.ts).

import { classifyAddress, type AddressClass } from './address-policy.ts';
import { normalizeHost } from './host-name.ts';
import type { HostGrant } from './types.ts';

export type Scheme = 'http' | 'https';

export interface GrantMatch {
  host: string; // canonical
  port?: number;
  explicitPort: boolean;
}

export type GrantLookup = { ok: true; grant: GrantMatch } | { ok: false; httpNeedsPort: boolean };

export function findGrant(grants: readonly HostGrant[], host: string, port: number, scheme: Scheme): GrantLookup {
  let sameHostWithoutPort = false;
  for (const raw of grants) {
    const grantHost = normalizeHost(raw.host);
    if (grantHost === null || grantHost !== host) continue;
    if (raw.port !== undefined) {
      if (raw.port === port) return { ok: true, grant: { host: grantHost, port: raw.port, explicitPort: true } };
      continue;
    }
    if (scheme === 'https' && port === 443) return { ok: true, grant: { host: grantHost, explicitPort: false } };
    sameHostWithoutPort = true;
  }
  return { ok: false, httpNeedsPort: sameHostWithoutPort && scheme === 'http' };
}

/** May a connection under `grant` go to an address of this class? */
export function grantOpensAddress(grant: GrantMatch, address: AddressClass): boolean {
  switch (address.tier) {
    case 'public':
      return true;
    case 'private':
      return grant.explicitPort;
    case 'loopback':
      return grant.explicitPort && (grant.host === 'localhost' || classifyAddress(grant.host).tier === 'loopback');
    case 'never':
      return false;
  }
}
