// Secret values encrypted at rest, and the store that keeps them in the state store.
export { SecretCipher, SecretKeyError, loadSecretCipher, SECRET_KEY_FILE } from './secret-cipher.ts';
export type { SealedSecret } from './secret-cipher.ts';
export { SecretStore, SecretNameError } from './secret-store.ts';
export type { SecretEntry } from './secret-store.ts';
