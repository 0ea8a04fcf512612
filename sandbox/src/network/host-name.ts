// One canonical spelling per host, so a grant and a URL compare equal exactly when they name
// the same thing: lower case, no trailing dot, IDN as punycode, IPv4 in dotted decimal (the URL
// parser turns `2130706433`, `0177.0.0.1`, `0x7f.1` and `127.1` into `127.0.0.1`), IPv6 compressed
// and without brackets.

import { isIP } from 'node:net';

/** Canonical host, or null when the text is not a host the URL parser accepts. */
export function normalizeHost(raw: string): string | null {
  let host = raw.trim();
  if (host === '') return null;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  try {
    if (host.includes(':')) {
      // Only an IPv6 literal may contain a colon here (a port is never part of a host).
      const parsed = new URL(`http://[${host}]/`).hostname;
      return parsed.slice(1, -1);
    }
    if (/[/?#@\\\s%]/.test(host)) return null;
    const parsed = new URL(`http://${host}/`).hostname;
    const stripped = parsed.endsWith('.') ? parsed.slice(0, -1) : parsed;
    if (stripped === '' || stripped.endsWith('.')) return null;
    return stripped;
  } catch {
    return null;
  }
}

/** Host as it goes into a URL authority or a Host header. */
export function hostForAuthority(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

export function isIpLiteral(host: string): boolean {
  return isIP(host) !== 0;
}
