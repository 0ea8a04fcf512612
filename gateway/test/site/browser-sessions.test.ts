// The status site's session table: ids are random and opaque, a session ends at its lifetime or on
// sign-out, and the table never grows past its limit (the oldest session goes first).
import { describe, expect, it } from 'vitest';
import { BrowserSessions } from '../../src/auth/browser-sessions.ts';
import type { Identity } from '../../src/auth/identity.ts';

const alice: Identity = { name: 'alice', kind: 'bearer', remote: false };
const bob: Identity = { name: 'bob', kind: 'bearer', remote: false };

describe('browser sessions', () => {
  it('gives each sign-in a new 256-bit id that names its identity until it expires', () => {
    let now = 1_000;
    const sessions = new BrowserSessions({ ttlMs: 60_000, now: () => now });
    const id = sessions.create(alice);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions.create(alice)).not.toBe(id);
    expect(sessions.identityFor(id)).toEqual(alice);
    now += 59_999;
    expect(sessions.identityFor(id)).toEqual(alice);
    now += 1;
    expect(sessions.identityFor(id)).toBeNull();
    expect(sessions.identityFor('forged-session-id')).toBeNull();
  });

  it('forgets a session on sign-out, and the oldest one when full', () => {
    const sessions = new BrowserSessions({ limit: 2 });
    const first = sessions.create(alice);
    const second = sessions.create(bob);
    sessions.revoke(second);
    expect(sessions.identityFor(second)).toBeNull();
    const third = sessions.create(bob);
    const fourth = sessions.create(alice);
    expect(sessions.size).toBe(2);
    expect(sessions.identityFor(first)).toBeNull();
    expect(sessions.identityFor(third)).toEqual(bob);
    expect(sessions.identityFor(fourth)).toEqual(alice);
  });
});
