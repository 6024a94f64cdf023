import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Keys of one grant's shared token cache. Tokens rest in Redis encrypted
 * (AES-256-GCM), so a Redis dump or a look with redis-cli shows no usable
 * token. The key is derived (HKDF-SHA256) from TASKREST_SECRET_KEY when set,
 * else from the grant's client secret: every worker process holding the same
 * configuration derives the same key, and Redis alone is not enough to read it.
 */
export interface GrantKeys {
  /** Encrypts cache entries. */
  readonly sealKey: Buffer;
  /**
   * A fingerprint of the grant's whole configuration (keyed, so it reveals
   * nothing): a changed GRANTS_FILE entry gets a fresh cache, never the old token.
   */
  readonly fingerprint: string;
}

const SALT = 'taskrest grant token cache v1';

export function deriveGrantKeys(
  name: string,
  grantConfig: object,
  clientSecret: string,
  secretKey: Buffer | undefined,
): GrantKeys {
  const material = secretKey ?? Buffer.from(clientSecret, 'utf8');
  const derive = (purpose: string) =>
    Buffer.from(hkdfSync('sha256', material, SALT, `${purpose}:${name}`, 32));
  const fingerprint = createHmac('sha256', derive('fingerprint'))
    .update(JSON.stringify(grantConfig, Object.keys(grantConfig).sort()))
    .digest('hex')
    .slice(0, 16);
  return { sealKey: derive('seal'), fingerprint };
}

/** Encrypts `plain`, bound to `context` (the Redis key) so that a value cannot be moved to another key. */
export function seal(key: Buffer, plain: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Decrypts what `seal` made; null when it was sealed with another key or altered. */
export function unseal(key: Buffer, sealed: string, context: string): string | null {
  try {
    const data = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
