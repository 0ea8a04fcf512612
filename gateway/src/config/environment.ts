// The raw inputs every settings loader reads, in a module of their own so the loaders (auth, limits,
// forge) and the composite config can all import them without importing each other.
export type Environment = Record<string, string | undefined>;
export type AuthMode = 'none' | 'bearer' | 'oidc';
