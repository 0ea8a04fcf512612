import { describe, expect, it } from 'vitest';
import { classifyAddress, isMetadataHostname, type AddressTier } from '../../src/network/address-policy.ts';
import { normalizeHost } from '../../src/network/host-name.ts';

// Every address form the guard must place, with the tier it must land in.
const CASES: Array<[address: string, tier: AddressTier, what: RegExp]> = [
  // public
  ['93.184.215.14', 'public', /public/],
  ['1.1.1.1', 'public', /public/],
  ['2606:4700:4700::1111', 'public', /public/],
  ['::ffff:8.8.8.8', 'public', /IPv4-mapped form of 8\.8\.8\.8/],
  ['64:ff9b::808:808', 'public', /NAT64 form of 8\.8\.8\.8/],
  ['2002:808:808::1', 'public', /6to4 form of 8\.8\.8\.8/],
  // loopback
  ['127.0.0.1', 'loopback', /loopback/],
  ['127.255.255.254', 'loopback', /loopback/],
  ['::1', 'loopback', /loopback/],
  ['::ffff:127.0.0.1', 'loopback', /IPv4-mapped form of 127\.0\.0\.1/],
  ['::ffff:7f00:1', 'loopback', /IPv4-mapped form of 127\.0\.0\.1/],
  ['0:0:0:0:0:ffff:7f00:0001', 'loopback', /IPv4-mapped/],
  ['64:ff9b::7f00:1', 'loopback', /NAT64 form of 127\.0\.0\.1/],
  ['2002:7f00:1::', 'loopback', /6to4 form of 127\.0\.0\.1/],
  // private (open only to a grant that names host and port)
  ['10.0.0.5', 'private', /RFC 1918/],
  ['172.16.0.1', 'private', /RFC 1918/],
  ['172.31.255.255', 'private', /RFC 1918/],
  ['192.168.1.10', 'private', /RFC 1918/],
  ['100.64.0.1', 'private', /carrier-grade NAT/],
  ['100.127.255.254', 'private', /carrier-grade NAT/],
  ['198.18.0.1', 'private', /benchmarking/],
  ['198.19.255.255', 'private', /benchmarking/],
  ['fc00::1', 'private', /unique local/],
  ['fd12:3456:789a::1', 'private', /unique local/],
  ['::ffff:192.168.0.1', 'private', /IPv4-mapped form of 192\.168\.0\.1/],
  ['64:ff9b::a00:1', 'private', /NAT64 form of 10\.0\.0\.1/],
  ['64:ff9b:1::808:808', 'private', /local-use NAT64/],
  ['2002:c0a8:101::', 'private', /6to4 form of 192\.168\.1\.1/],
  // never
  ['0.0.0.0', 'never', /unspecified/],
  ['0.1.2.3', 'never', /unspecified/],
  ['169.254.169.254', 'never', /metadata/],
  ['169.254.170.2', 'never', /metadata/],
  ['100.100.100.200', 'never', /metadata/],
  ['168.63.129.16', 'never', /Azure/],
  ['169.254.1.1', 'never', /link-local/],
  ['224.0.0.1', 'never', /multicast/],
  ['239.255.255.250', 'never', /multicast/],
  ['240.0.0.1', 'never', /reserved/],
  ['255.255.255.255', 'never', /broadcast/],
  ['192.0.2.1', 'never', /documentation/],
  ['198.51.100.7', 'never', /documentation/],
  ['203.0.113.9', 'never', /documentation/],
  ['192.0.0.170', 'never', /IETF/],
  ['::', 'never', /unspecified/],
  ['fe80::1', 'never', /link-local/],
  ['ff02::1', 'never', /multicast/],
  ['fd00:ec2::254', 'never', /metadata/],
  ['2001:db8::1', 'never', /documentation/],
  ['3fff::1', 'never', /documentation/],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'never', /Teredo/],
  ['::127.0.0.1', 'never', /IPv4-compatible/],
  ['::ffff:169.254.169.254', 'never', /metadata/],
  ['64:ff9b::a9fe:a9fe', 'never', /NAT64 form of 169\.254\.169\.254/],
  ['2002:a9fe:a9fe::', 'never', /6to4 form of 169\.254\.169\.254/],
  ['100::1', 'never', /non-global/],
  ['2130706433', 'never', /not an IP/],
  ['0177.0.0.1', 'never', /not an IP/],
];

describe('classifyAddress', () => {
  it.each(CASES)('%s is %s', (address, tier, what) => {
    const cls = classifyAddress(address);
    expect(cls.tier).toBe(tier);
    expect(cls.what).toMatch(what);
  });
});

describe('normalizeHost: one spelling per host', () => {
  it.each([
    ['API.Example.COM', 'api.example.com'],
    ['api.example.com.', 'api.example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['[::FFFF:127.0.0.1]', '::ffff:7f00:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
  ])('%s → %s', (raw, canonical) => {
    expect(normalizeHost(raw)).toBe(canonical);
  });

  it.each(['', 'a b', 'user@host', 'host/path', '1.2.3.4.5', 'exa%mple.com'])('refuses %j', (raw) => {
    expect(normalizeHost(raw)).toBeNull();
  });
});

describe('metadata host names', () => {
  it.each(['metadata.google.internal', 'metadata.goog', 'instance-data.ec2.internal', 'metadata.azure.com'])('%s is a metadata name', (name) => {
    expect(isMetadataHostname(name)).toBe(true);
  });
  it('an ordinary name is not', () => {
    expect(isMetadataHostname('api.example.com')).toBe(false);
  });
});
