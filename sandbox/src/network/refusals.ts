// The refusals a tool's author (an LLM) reads. Each says what was refused, why, and the exact
// call that would ask an admin for access — or that no grant can help.

import type { AddressClass } from './address-policy.ts';
import { hostForAuthority } from './host-name.ts';
import { HttpBridgeError } from './types.ts';

function askFor(server: string, host: string, port: number): string {
  return `ask for it with mcpbox_request_network_access (server '${server}', host '${host}', port ${port}, justification)`;
}

export function notGranted(server: string, host: string, port: number, httpNeedsPort: boolean): HttpBridgeError {
  const target = `${hostForAuthority(host)}:${port}`;
  if (httpNeedsPort) {
    return new HttpBridgeError(
      'not_granted',
      `plain http to ${target} is not granted for server '${server}': a grant without a port covers https on port 443 only. ` +
        `Use an https:// URL, or ${askFor(server, host, port)}`,
    );
  }
  return new HttpBridgeError('not_granted', `network access to ${target} is not granted for server '${server}'; ${askFor(server, host, port)}`);
}

export function metadataHost(host: string): HttpBridgeError {
  return new HttpBridgeError('blocked_address', `${host} is a cloud metadata endpoint; tools can never reach it, whatever the grants say`);
}

export function blockedAddress(server: string, host: string, port: number, address: string, cls: AddressClass): HttpBridgeError {
  const via = host === address ? `${address} is ${cls.what}` : `${host} resolved to ${address}, ${cls.what}`;
  switch (cls.tier) {
    case 'private':
      return new HttpBridgeError(
        'blocked_address',
        `${via}. Private addresses are reachable only through a grant that names the host and its port; ${askFor(server, host, port)}`,
      );
    case 'loopback':
      return new HttpBridgeError(
        'blocked_address',
        `${via}. Loopback is reachable only through a grant for 'localhost' or a loopback IP with a port (e.g. host '127.0.0.1', port ${port}); ` +
          `a name that resolves to loopback is always refused`,
      );
    default:
      return new HttpBridgeError('blocked_address', `${via}; tools can never connect there, whatever the grants say`);
  }
}
