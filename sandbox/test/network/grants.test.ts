import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../src/network/address-policy.ts';
import { findGrant, grantOpensAddress, type Scheme } from '../../src/network/grants.ts';
import type { HostGrant } from '../../src/network/types.ts';

const GRANTS: HostGrant[] = [
  { host: 'api.example.com' },
  { host: 'HomeAssistant.LAN.', port: 8123 },
  { host: 'bücher.example' },
  { host: 'plain.example.com', port: 80 },
  { host: '127.0.0.1', port: 11434 },
  { host: 'localhost', port: 3000 },
  { host: '93.184.215.14' },
  { host: 'not a host' }, // ignored, never matches anything
];

describe('findGrant', () => {
  const cases: Array<[host: string, port: number, scheme: Scheme, expected: 'granted' | 'denied' | 'http-needs-port']> = [
    ['api.example.com', 443, 'https', 'granted'],
    ['api.example.com', 8443, 'https', 'denied'], // no port in the grant: 443 only
    ['api.example.com', 80, 'http', 'http-needs-port'], // https by default
    ['other.example.com', 443, 'https', 'denied'],
    ['sub.api.example.com', 443, 'https', 'denied'], // no wildcard
    ['homeassistant.lan', 8123, 'http', 'granted'], // case and trailing dot do not matter
    ['homeassistant.lan', 8123, 'https', 'granted'],
    ['homeassistant.lan', 443, 'https', 'denied'], // a port grant is exactly that port
    ['xn--bcher-kva.example', 443, 'https', 'granted'], // IDN compares as punycode
    ['plain.example.com', 80, 'http', 'granted'],
    ['127.0.0.1', 11434, 'http', 'granted'],
    ['127.0.0.1', 11435, 'http', 'denied'],
    ['93.184.215.14', 443, 'https', 'granted'],
    ['example.org', 443, 'https', 'denied'],
  ];
  it.each(cases)('%s:%i over %s is %s', (host, port, scheme, expected) => {
    const found = findGrant(GRANTS, host, port, scheme);
    const outcome = found.ok ? 'granted' : found.httpNeedsPort ? 'http-needs-port' : 'denied';
    expect(outcome).toBe(expected);
  });
});

describe('grantOpensAddress', () => {
  const named = { host: 'homeassistant.lan', port: 8123, explicitPort: true };
  const namedNoPort = { host: 'api.example.com', explicitPort: false };
  const loopbackLiteral = { host: '127.0.0.1', port: 11434, explicitPort: true };
  const localhost = { host: 'localhost', port: 3000, explicitPort: true };
  const cases: Array<[label: string, grant: typeof named | typeof namedNoPort, address: string, opens: boolean]> = [
    ['a public address, any grant', namedNoPort, '93.184.215.14', true],
    ['a private address, grant without port', namedNoPort, '192.168.1.10', false],
    ['a private address, grant with host and port', named, '192.168.1.10', true],
    ['a Tailscale address, grant with host and port', named, '100.101.102.103', true],
    ['loopback through a name, even with a port', named, '127.0.0.1', false],
    ['loopback through a loopback literal grant with port', loopbackLiteral, '127.0.0.1', true],
    ['loopback through localhost with port', localhost, '::1', true],
    ['metadata, even through an explicit grant', named, '169.254.169.254', false],
    ['0/8, even through localhost', localhost, '0.0.0.0', false],
  ];
  it.each(cases)('%s', (_label, grant, address, opens) => {
    expect(grantOpensAddress(grant, classifyAddress(address))).toBe(opens);
  });
});
