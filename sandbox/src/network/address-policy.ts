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

import ipaddr from 'ipaddr.js';

export type AddressTier = 'public' | 'private' | 'loopback' | 'never';

export interface AddressClass {
  tier: AddressTier;
  what: string; // e.g. "a private (RFC 1918) address", for messages
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

interface Range {
  cidr: [Address, number];
  tier: AddressTier;
  what: string;
}

function range(cidr: string, tier: AddressTier, what: string): Range {
  return { cidr: ipaddr.parseCIDR(cidr), tier, what };
}

// Most specific first: the first match wins.
const IPV4_RANGES: Range[] = [
  range('169.254.169.254/32', 'never', 'the cloud metadata endpoint'),
  range('169.254.170.2/32', 'never', 'the container metadata endpoint'),
  range('100.100.100.200/32', 'never', 'a cloud metadata endpoint'),
  range('168.63.129.16/32', 'never', 'the Azure host endpoint'),
  range('255.255.255.255/32', 'never', 'the broadcast address'),
  range('0.0.0.0/8', 'never', 'an unspecified ("this network") address'),
  range('127.0.0.0/8', 'loopback', 'a loopback address'),
  range('169.254.0.0/16', 'never', 'a link-local address'),
  range('10.0.0.0/8', 'private', 'a private (RFC 1918) address'),
  range('172.16.0.0/12', 'private', 'a private (RFC 1918) address'),
  range('192.168.0.0/16', 'private', 'a private (RFC 1918) address'),
  range('100.64.0.0/10', 'private', 'a carrier-grade NAT (100.64/10) address'),
  range('198.18.0.0/15', 'private', 'a benchmarking (198.18/15) address'),
  range('192.0.0.0/24', 'never', 'an IETF protocol assignment address'),
  range('192.0.2.0/24', 'never', 'a documentation address'),
  range('198.51.100.0/24', 'never', 'a documentation address'),
  range('203.0.113.0/24', 'never', 'a documentation address'),
  range('192.88.99.0/24', 'never', 'a deprecated 6to4 relay address'),
  range('224.0.0.0/4', 'never', 'a multicast address'),
  range('240.0.0.0/4', 'never', 'a reserved (240/4) address'),
];

// Checked after the forms that wrap an IPv4 address (below); most specific first.
const IPV6_RANGES: Range[] = [
  range('::/128', 'never', 'the unspecified address'),
  range('::1/128', 'loopback', 'a loopback address'),
  range('::/96', 'never', 'a deprecated IPv4-compatible address'),
  range('2001::/32', 'never', 'a Teredo address'),
  range('2001:db8::/32', 'never', 'a documentation address'),
  range('3fff::/20', 'never', 'a documentation address'), // RFC 9637
  range('fd00:ec2::254/128', 'never', 'the cloud metadata endpoint'),
  range('fc00::/7', 'private', 'a unique local (fc00::/7) address'),
  range('fe80::/10', 'never', 'a link-local address'),
  range('fec0::/10', 'private', 'a site-local address'),
  range('ff00::/8', 'never', 'a multicast address'),
  range('2000::/3', 'public', 'a public address'),
];

// IPv6 forms that carry an IPv4 address, judged by that address; `at` is the byte offset of it.
const IPV4_CARRIERS: Array<{ cidr: [Address, number]; kind: string; at: number; atLeast?: AddressClass }> = [
  { cidr: ipaddr.parseCIDR('::ffff:0:0/96'), kind: 'an IPv4-mapped', at: 12 },
  { cidr: ipaddr.parseCIDR('64:ff9b::/96'), kind: 'a NAT64', at: 12 },
  // Local-use NAT64 (RFC 8215) only exists inside a site, so it is at least private.
  { cidr: ipaddr.parseCIDR('64:ff9b:1::/48'), kind: 'a local-use NAT64', at: 12, atLeast: { tier: 'private', what: 'a local-use NAT64 address' } },
  { cidr: ipaddr.parseCIDR('2002::/16'), kind: 'a 6to4', at: 2 },
];

function firstMatch(address: Address, ranges: Range[]): AddressClass | undefined {
  const found = ranges.find((r) => address.kind() === r.cidr[0].kind() && address.match(r.cidr));
  return found && { tier: found.tier, what: found.what };
}

function classifyIpv4(address: ipaddr.IPv4): AddressClass {
  return firstMatch(address, IPV4_RANGES) ?? { tier: 'public', what: 'a public address' };
}

const TIER_ORDER: AddressTier[] = ['public', 'private', 'loopback', 'never'];

function stricter(a: AddressClass, b: AddressClass): AddressClass {
  return TIER_ORDER.indexOf(a.tier) >= TIER_ORDER.indexOf(b.tier) ? a : b;
}

function classifyIpv6(address: ipaddr.IPv6): AddressClass {
  for (const carrier of IPV4_CARRIERS) {
    if (!address.match(carrier.cidr)) continue;
    const inner = new ipaddr.IPv4(address.toByteArray().slice(carrier.at, carrier.at + 4));
    const c = classifyIpv4(inner);
    const judged: AddressClass = { tier: c.tier, what: `${carrier.kind} form of ${inner.toString()}, ${c.what}` };
    return carrier.atLeast ? stricter(carrier.atLeast, judged) : judged;
  }
  // Default deny: whatever is not global unicast (discard 100::/64, unassigned space, …).
  return firstMatch(address, IPV6_RANGES) ?? { tier: 'never', what: 'a non-global IPv6 address' };
}

/** Tier of a canonical IP address; anything that is not an IP literal is `never`. */
export function classifyAddress(address: string): AddressClass {
  // Only the canonical forms (as `net.isIP` and the resolver give them): ipaddr.js would also read
  // "127.1" or "0x7f.1" as IPv4, which a host string must never be taken for.
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return classifyIpv4(ipaddr.IPv4.parse(address));
  const ipv6 = parseIpv6(address);
  if (ipv6 !== undefined) return classifyIpv6(ipv6);
  return { tier: 'never', what: 'not an IP address' };
}

function parseIpv6(address: string): ipaddr.IPv6 | undefined {
  const zone = address.indexOf('%');
  const bare = zone >= 0 ? address.slice(0, zone) : address;
  if (!ipaddr.IPv6.isValid(bare)) return undefined;
  // ipaddr.js reads any "…:a.b.c.d" as IPv4-mapped (so "::127.0.0.1", IPv4-compatible, would pass
  // for ::ffff:127.0.0.1); the WHATWG URL parser writes every IPv6 literal in hex groups first.
  return ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
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
