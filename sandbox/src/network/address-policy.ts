// Which IP addresses a tool may connect to. Every address falls in one tier:
//
//   public   — reachable through any grant that covers the host and port;
//   private  — RFC 1918, CGNAT/Tailscale 100.64/10, benchmarking 198.18/15, IPv6 ULA: reachable
//              only through a grant that names the host *and* a port (a homelab service);
//   loopback — 127/8, ::1: reachable only through a grant that names a loopback literal or
//              `localhost` *and* a port (e.g. `127.0.0.1:11434`), never through some other name;
//   never    — unspecified, 0/8, link-local (where cloud metadata lives), metadata endpoints,
//              multicast, broadcast, reserved, documentation, Teredo, deprecated IPv4-compatible
//              IPv6 and anything outside IPv6 global unicast. No grant opens these.
//
// Addresses that wrap an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96 and
// 64:ff9b:1::/48, 6to4 2002::/16) are judged by the address they wrap, so `::ffff:127.0.0.1`
// is loopback and `2002:a00:1::` is private.

import { isIP } from 'node:net';

export type AddressTier = 'public' | 'private' | 'loopback' | 'never';

export interface AddressClass {
  tier: AddressTier;
  what: string; // e.g. "a private (RFC 1918) address", for messages
}

interface Ipv4Range {
  base: number;
  bits: number;
  tier: AddressTier;
  what: string;
}

function ipv4ToNumber(address: string): number {
  const parts = address.split('.').map(Number);
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

function v4(cidr: string, tier: AddressTier, what: string): Ipv4Range {
  const [base, bits] = cidr.split('/');
  return { base: ipv4ToNumber(base!), bits: Number(bits), tier, what };
}

// Most specific first: the first match wins.
const IPV4_RANGES: Ipv4Range[] = [
  v4('169.254.169.254/32', 'never', 'the cloud metadata endpoint'),
  v4('169.254.170.2/32', 'never', 'the container metadata endpoint'),
  v4('100.100.100.200/32', 'never', 'a cloud metadata endpoint'),
  v4('168.63.129.16/32', 'never', 'the Azure host endpoint'),
  v4('255.255.255.255/32', 'never', 'the broadcast address'),
  v4('0.0.0.0/8', 'never', 'an unspecified ("this network") address'),
  v4('127.0.0.0/8', 'loopback', 'a loopback address'),
  v4('169.254.0.0/16', 'never', 'a link-local address'),
  v4('10.0.0.0/8', 'private', 'a private (RFC 1918) address'),
  v4('172.16.0.0/12', 'private', 'a private (RFC 1918) address'),
  v4('192.168.0.0/16', 'private', 'a private (RFC 1918) address'),
  v4('100.64.0.0/10', 'private', 'a carrier-grade NAT (100.64/10) address'),
  v4('198.18.0.0/15', 'private', 'a benchmarking (198.18/15) address'),
  v4('192.0.0.0/24', 'never', 'an IETF protocol assignment address'),
  v4('192.0.2.0/24', 'never', 'a documentation address'),
  v4('198.51.100.0/24', 'never', 'a documentation address'),
  v4('203.0.113.0/24', 'never', 'a documentation address'),
  v4('192.88.99.0/24', 'never', 'a deprecated 6to4 relay address'),
  v4('224.0.0.0/4', 'never', 'a multicast address'),
  v4('240.0.0.0/4', 'never', 'a reserved (240/4) address'),
];

function classifyIpv4(address: string): AddressClass {
  const value = ipv4ToNumber(address);
  for (const range of IPV4_RANGES) {
    const mask = range.bits === 0 ? 0 : (0xffffffff << (32 - range.bits)) >>> 0;
    if ((value & mask) >>> 0 === (range.base & mask) >>> 0) return { tier: range.tier, what: range.what };
  }
  return { tier: 'public', what: 'a public address' };
}

/** The 8 16-bit groups of a valid IPv6 literal (as `net.isIP` accepts it). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted quad becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = ipv4ToNumber(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  return groups.map((g) => parseInt(g, 16));
}

function ipv4FromGroups(high: number, low: number): string {
  return `${high >>> 8}.${high & 0xff}.${low >>> 8}.${low & 0xff}`;
}

const TIER_ORDER: AddressTier[] = ['public', 'private', 'loopback', 'never'];

function stricter(a: AddressClass, b: AddressClass): AddressClass {
  return TIER_ORDER.indexOf(a.tier) >= TIER_ORDER.indexOf(b.tier) ? a : b;
}

function wrapped(kind: string, inner: string): AddressClass {
  const c = classifyIpv4(inner);
  return { tier: c.tier, what: `${kind} form of ${inner}, ${c.what}` };
}

function classifyIpv6(address: string): AddressClass {
  const g = ipv6Groups(address);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return { tier: 'never', what: 'the unspecified address' };
  if (zeroUpTo(7) && g[7] === 1) return { tier: 'loopback', what: 'a loopback address' };
  if (zeroUpTo(5) && g[5] === 0xffff) return wrapped('an IPv4-mapped', ipv4FromGroups(g[6]!, g[7]!));
  if (zeroUpTo(6)) return { tier: 'never', what: 'a deprecated IPv4-compatible address' };
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return wrapped('a NAT64', ipv4FromGroups(g[6]!, g[7]!));
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) {
    // Local-use NAT64 (RFC 8215) only exists inside a site, so it is at least private.
    return stricter({ tier: 'private', what: 'a local-use NAT64 address' }, wrapped('a local-use NAT64', ipv4FromGroups(g[6]!, g[7]!)));
  }
  if (g[0] === 0x2002) return wrapped('a 6to4', ipv4FromGroups(g[1]!, g[2]!));
  if (g[0] === 0x2001 && g[1] === 0) return { tier: 'never', what: 'a Teredo address' };
  if (g[0] === 0x2001 && g[1] === 0xdb8) return { tier: 'never', what: 'a documentation address' };
  if (g[0]! >> 4 === 0x3ff && (g[0]! & 0xf) === 0xf && g[1]! >> 12 === 0) {
    return { tier: 'never', what: 'a documentation address' }; // 3fff::/20, RFC 9637
  }
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) {
    return { tier: 'never', what: 'the cloud metadata endpoint' };
  }
  if ((g[0]! & 0xfe00) === 0xfc00) return { tier: 'private', what: 'a unique local (fc00::/7) address' };
  if ((g[0]! & 0xffc0) === 0xfe80) return { tier: 'never', what: 'a link-local address' };
  if ((g[0]! & 0xffc0) === 0xfec0) return { tier: 'private', what: 'a site-local address' };
  if ((g[0]! & 0xff00) === 0xff00) return { tier: 'never', what: 'a multicast address' };
  if ((g[0]! & 0xe000) === 0x2000) return { tier: 'public', what: 'a public address' };
  // Default deny: whatever is not global unicast (discard 100::/64, unassigned space, …).
  return { tier: 'never', what: 'a non-global IPv6 address' };
}

/** Tier of a canonical IP address; anything that is not an IP literal is `never`. */
export function classifyAddress(address: string): AddressClass {
  switch (isIP(address)) {
    case 4:
      return classifyIpv4(address);
    case 6:
      return classifyIpv6(address);
    default:
      return { tier: 'never', what: 'not an IP address' };
  }
}

// Names that lead to cloud metadata services whatever DNS says; refused even when granted.
const METADATA_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.gke.internal',
  'metadata.aws.internal',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
  'metadata.platformequinix.com',
]);

export function isMetadataHostname(host: string): boolean {
  return METADATA_HOSTNAMES.has(host);
}
