import { describe, expect, it } from 'vitest';
import { hostProblem, isValidHost, parseNetworkPolicy, isValidModuleName, isValidName, isValidSecretName, nameProblem, parseToolId, TOOL_ID_PATTERN, toolId } from '../../src/index.ts';

describe('names', () => {
  it('accepts lower-case words joined by single underscores', () => {
    for (const name of ['weather', 'get_forecast', 'ha2', 'a', 'a1_b2_c3']) expect(isValidName(name), name).toBe(true);
  });

  it('refuses bad names with a reason', () => {
    expect(nameProblem('Weather', 'server')).toMatch(/upper-case.*`weather`/);
    expect(nameProblem('my__tool', 'tool')).toMatch(/double underscore/);
    expect(nameProblem('-x', 'tool')).toMatch(/must start with a lower-case letter/);
    expect(nameProblem('_x', 'tool')).toMatch(/must start with a lower-case letter/);
    expect(nameProblem('1x', 'tool')).toMatch(/must start with a lower-case letter/);
    expect(nameProblem('x_', 'tool')).toMatch(/must not end with an underscore/);
    expect(nameProblem('my-tool', 'tool')).toMatch(/may only contain.*`my_tool`/);
    expect(nameProblem('', 'source')).toMatch(/must not be empty/);
    expect(nameProblem('a'.repeat(65), 'server')).toMatch(/65 characters long; the limit is 64/);
    expect(nameProblem('a'.repeat(64), 'server')).toBeUndefined();
  });

  it('round-trips public tool ids and refuses ambiguous ones', () => {
    expect(toolId('weather', 'get_forecast')).toBe('weather__get_forecast');
    expect(parseToolId('weather__get_forecast')).toEqual({ server: 'weather', tool: 'get_forecast' });
    expect(parseToolId('weather_get_forecast')).toBeUndefined();
    expect(parseToolId('a__b__c')).toBeUndefined();
    expect(parseToolId('Weather__x')).toBeUndefined();
    expect(parseToolId('__x')).toBeUndefined();
    for (const id of ['weather__get_forecast', 'weather_get_forecast', 'a__b__c', 'Weather__x', '__x']) {
      expect(TOOL_ID_PATTERN.test(id), id).toBe(parseToolId(id) !== undefined);
    }
  });

  it('checks secret names, module names and hosts', () => {
    expect(isValidSecretName('API_KEY')).toBe(true);
    expect(isValidSecretName('api_key')).toBe(false);
    expect(isValidSecretName('1KEY')).toBe(false);
    expect(isValidModuleName('paho.mqtt.client')).toBe(true);
    expect(isValidModuleName('paho-mqtt')).toBe(false);
    expect(isValidModuleName('a..b')).toBe(false);
    for (const host of ['api.example.com', 'localhost', '192.168.1.20', '::1', '2001:db8::1', 'xn--bcher-kva.example']) {
      expect(isValidHost(host), host).toBe(true);
    }
    for (const host of ['Api.example.com', 'https://x.com', 'x.com:443', 'x.com/path', '*.x.com', 'x.com.', '-x.com', '1.2.3', '', '2001:DB8::1']) {
      expect(isValidHost(host), host).toBe(false);
    }
  });

  it('refuses every host that is not one exact grant target, saying what to write instead', () => {
    const cases: Array<[string, string]> = [
      ['fe80::1%eth0', 'host `fe80::1%eth0` carries an IPv6 zone id (`%eth0`), which names a network interface of one machine, not an address — remove it and write `fe80::1`'],
      ['fe80::1%25eth0', 'host `fe80::1%25eth0` carries an IPv6 zone id (`%25eth0`), which names a network interface of one machine, not an address — remove it and write `fe80::1`'],
      ['[::1]', 'host `[::1]` has brackets — write the IPv6 address without them: `::1`'],
      ['2001:DB8::1', 'host `2001:DB8::1` has upper-case letters — write it as `2001:db8::1`'],
      ['x.com.', 'host `x.com.` ends with a dot — write it without: `x.com`'],
      ['Api.X.com', 'host `Api.X.com` has upper-case letters — write it as `api.x.com`'],
      ['bücher.de', 'host `bücher.de` is an international domain name — write its ASCII (punycode) form `xn--bcher-kva.de`'],
      ['user:pw@x.com', 'host `user:pw@x.com` contains user information (`…@`) — credentials never go into a host; write the host name after the `@` and keep credentials in a secret'],
      ['x.com:443', 'host `x.com:443` includes a port — write host `x.com` and put 443 in `port`'],
      ['x.com:99999', 'host `x.com:99999` includes a port, and 99999 is not a port (1–65535) — write host `x.com` alone'],
      ['https://x.com/a', 'host `https://x.com/a` is a URL — write only the host name (e.g. `x.com`) and put a port in `port`'],
      ['*.x.com', 'host `*.x.com` has a wildcard — grants name one exact host; ask for each host you need'],
      ['a..b', 'host `a..b` has an empty label (two dots in a row, or a leading dot)'],
      ['999.1.1.1', 'host `999.1.1.1` is not a valid IPv4 address (four numbers 0–255 separated by dots) nor a host name'],
      ['x\u001b[2J.com', 'host `x^[[2J.com` contains spaces or control characters — write the host name alone'],
    ];
    for (const [host, message] of cases) expect(hostProblem(host), host).toBe(message);
    expect(hostProblem('fe80::1')).toBeUndefined();
  });

  it('refuses a zone id in policy/network.yaml with the same reason, at its line', () => {
    const parsed = parseNetworkPolicy('grants:\n  - server: lan\n    host: fe80::1%eth0\n    reason: the printer on the LAN\n');
    expect(parsed.value).toBeUndefined();
    expect(parsed.problems).toEqual([
      expect.objectContaining({ file: 'policy/network.yaml', line: 3, severity: 'error', message: expect.stringContaining('carries an IPv6 zone id (`%eth0`), which names a network interface of one machine, not an address — remove it and write `fe80::1`') }),
    ]);
  });
});
