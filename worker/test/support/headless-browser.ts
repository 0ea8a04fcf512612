// The person's browser in the OAuth flow, without a browser: follows the authorization URL to the
// Worker's consent page, posts its form, passes through the identity provider's login and back to
// the Worker's callback, and stops where the Worker sends the client's code. Cookies are kept per
// origin (the consent and upstream cookies bind each step to this "browser").
export class HeadlessBrowser {
  readonly #cookies = new Map<string, Map<string, string>>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.#cookies.get(target.origin) ?? new Map<string, string>();
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(cookie) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.#cookies.set(target.origin, jar);
    return response;
  }

  /** GET, expecting a redirect; returns where it points. */
  async redirectFrom(url: string, init: RequestInit = {}): Promise<string> {
    const response = await this.request(url, init);
    if (response.status !== 302 && response.status !== 303) throw new Error(`expected a redirect from ${url}, got ${response.status}: ${await response.text()}`);
    return new URL(response.headers.get('location')!, url).toString();
  }
}

export interface ConsentForm {
  page: string;
  handle: string;
  action: string;
}

export async function openConsent(browser: HeadlessBrowser, authorizationUrl: string): Promise<ConsentForm> {
  const response = await browser.request(authorizationUrl);
  const page = await response.text();
  if (response.status !== 200) throw new Error(`the consent page answered ${response.status}: ${page}`);
  const handle = /name="handle" value="([^"]+)"/.exec(page)?.[1];
  if (handle === undefined) throw new Error(`no consent form on the page: ${page}`);
  return { page, handle, action: authorizationUrl };
}

/** Approves the consent form; returns the identity provider's authorize URL. */
export function approveConsent(browser: HeadlessBrowser, form: ConsentForm): Promise<string> {
  return browser.redirectFrom(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ handle: form.handle.replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))), decision: 'approve' }),
  });
}

/** The whole person's part: consent, upstream login, callback. Returns the page and the client's redirect URL. */
export async function signIn(browser: HeadlessBrowser, authorizationUrl: string): Promise<{ consentPage: string; back: URL }> {
  const form = await openConsent(browser, authorizationUrl);
  const upstream = await approveConsent(browser, form);
  const callback = await browser.redirectFrom(upstream);
  return { consentPage: form.page, back: new URL(await browser.redirectFrom(callback)) };
}
