// Secret values at rest: AES-256-GCM with a fresh 12-byte IV per value and the (server, name) pair as
// associated data, so a ciphertext copied onto another secret's row fails to decrypt instead of
// handing one server's credential to another. The key is 32 bytes from MCPBOX_ENCRYPTION_KEY (64 hex
// characters) or a key file generated on first use with mode 0600.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SECRET_KEY_FILE = 'secret.key';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 1;

export class SecretKeyError extends Error {
  readonly code: 'SECRET_KEY_INVALID' | 'SECRET_KEY_UNREADABLE' | 'SECRET_DECRYPT_FAILED';
  constructor(code: SecretKeyError['code'], message: string) {
    super(message);
    this.name = 'SecretKeyError';
    this.code = code;
  }
}

/** Sealed value as stored: version byte, IV, tag and ciphertext in one buffer. */
export type SealedSecret = Uint8Array;

export class SecretCipher {
  readonly #key: Buffer;
  /** Where the key came from, for status lines (never the key itself). */
  readonly source: 'environment' | 'key file';

  constructor(key: Buffer, source: SecretCipher['source']) {
    if (key.length !== 32) throw new SecretKeyError('SECRET_KEY_INVALID', 'the secret encryption key must be 32 bytes');
    this.#key = key;
    this.source = source;
  }

  seal(server: string, name: string, value: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(associatedData(server, name));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(server: string, name: string, sealed: SealedSecret): string {
    const buf = Buffer.from(sealed);
    if (buf.length < 1 + IV_BYTES + TAG_BYTES || buf[0] !== FORMAT_VERSION) {
      throw new SecretKeyError('SECRET_DECRYPT_FAILED', `the stored value of ${server}/${name} is not in a known format; set it again with \`mcpbox secret set ${server} ${name}\``);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(associatedData(server, name));
      decipher.setAuthTag(buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(buf.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError(
        'SECRET_DECRYPT_FAILED',
        `the stored value of ${server}/${name} cannot be decrypted with this key (was MCPBOX_ENCRYPTION_KEY or ${SECRET_KEY_FILE} changed?); restore the old key or set the value again`,
      );
    }
  }
}

function associatedData(server: string, name: string): Buffer {
  return Buffer.from(`mcpbox-secret:v1:${server}:${name}`, 'utf8');
}

/**
 * The cipher of a data dir: MCPBOX_ENCRYPTION_KEY when set (64 hex characters), else
 * `<dataDir>/secret.key`, created with mode 0600 on first use.
 */
export function loadSecretCipher(dataDir: string, envKey: string | undefined = process.env.MCPBOX_ENCRYPTION_KEY): SecretCipher {
  if (envKey !== undefined && envKey.trim() !== '') {
    const hex = envKey.trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new SecretKeyError('SECRET_KEY_INVALID', `MCPBOX_ENCRYPTION_KEY must be 64 hex characters (32 bytes), got ${hex.length} characters; generate one with \`openssl rand -hex 32\``);
    }
    return new SecretCipher(Buffer.from(hex, 'hex'), 'environment');
  }
  const file = join(dataDir, SECRET_KEY_FILE);
  try {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      // 'wx' fails if another process created it meanwhile; that one's key wins below.
      try {
        writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new SecretKeyError('SECRET_KEY_INVALID', `${file} does not hold a 64-hex-character key; restore it from a backup (values sealed with it cannot be read otherwise)`);
    }
    return new SecretCipher(Buffer.from(hex, 'hex'), 'key file');
  } catch (err) {
    if (err instanceof SecretKeyError) throw err;
    throw new SecretKeyError('SECRET_KEY_UNREADABLE', `cannot read or create the secret key file ${file}: ${(err as Error).message}`);
  }
}
