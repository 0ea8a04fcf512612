// The MCP SDK's OAuth client provider, headless: it keeps what the SDK asks it to keep and, when the
// SDK wants the user sent to the authorization URL, runs the person's part in a HeadlessBrowser and
// keeps the code the Worker sends back.
import type { OAuthClientMetadata, OAuthClientProvider, OAuthDiscoveryState, StoredOAuthClientInformation, StoredOAuthTokens } from '@modelcontextprotocol/client';
import { HeadlessBrowser, signIn } from './headless-browser.ts';

export const CLIENT_REDIRECT = 'http://127.0.0.1:33418/oauth/callback';

export class HeadlessOAuthClient implements OAuthClientProvider {
  readonly browser = new HeadlessBrowser();
  readonly clientMetadataUrl: string | undefined;
  #client: StoredOAuthClientInformation | undefined;
  #tokens: StoredOAuthTokens | undefined;
  #verifier = '';
  #discovery: OAuthDiscoveryState | undefined;
  /** Every token set the SDK saved, oldest first (to see refresh rotation). */
  readonly savedTokens: StoredOAuthTokens[] = [];
  lastAuthorizationUrl: URL | undefined;
  consentPage: string | undefined;
  /** What the Worker sent back to the client's redirect URI (code, state, iss). */
  callback: URLSearchParams | undefined;

  constructor(options: { clientMetadataUrl?: string } = {}) {
    this.clientMetadataUrl = options.clientMetadataUrl;
  }

  get redirectUrl(): string {
    return CLIENT_REDIRECT;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'mcpbox worker test',
      redirect_uris: [CLIENT_REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation(): StoredOAuthClientInformation | undefined {
    return this.#client;
  }

  saveClientInformation(info: StoredOAuthClientInformation): void {
    this.#client = info;
  }

  tokens(): StoredOAuthTokens | undefined {
    return this.#tokens;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.#tokens = tokens;
    this.savedTokens.push(tokens);
  }

  /** Makes the stored access token unusable, so the next request needs a refresh. */
  spoilAccessToken(): void {
    if (this.#tokens !== undefined) this.#tokens = { ...this.#tokens, access_token: 'spoiled' };
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.lastAuthorizationUrl = url;
    const { consentPage, back } = await signIn(this.browser, url.toString());
    this.consentPage = consentPage;
    this.callback = back.searchParams;
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    return this.#verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.#discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#discovery;
  }
}
