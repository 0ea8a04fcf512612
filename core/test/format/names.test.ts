import { describe, expect, it } from 'vitest';
import { isValidHost, isValidModuleName, isValidName, isValidSecretName, nameProblem, parseToolId, TOOL_ID_PATTERN, toolId } from '../../src/index.ts';

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
});
