import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SealedDataError } from '../errors/sealed-data-error.js';
import type { KeyRing, SecretKey } from './key-ring.js';

/** A sealed value as stored in job data: AES-256-GCM, every part base64. */
export interface SealedBox {
  /** Format version. */
  readonly v: 1;
  /** Id of the key that sealed it (see keyIdOf). */
  readonly kid: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

// Binds ciphertexts to their purpose: a box sealed for something else does not open here.
const AAD = Buffer.from('taskrest sealed task secrets v1');

/** Encrypts `plaintext` with `key` (authenticated: any change to the box makes opening fail). */
export function seal(plaintext: string, key: SecretKey): SealedBox {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv).setAAD(AAD);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    v: 1,
    kid: key.id,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Decrypts a box with the key ring's key of its id. Throws a SealedDataError saying why not. */
export function open(box: unknown, ring: KeyRing): string {
  if (!isBox(box)) throw new SealedDataError('sealed task secrets are malformed');
  const key = ring.byId(box.kid);
  if (!key) {
    throw new SealedDataError(
      `task secrets are sealed with key ${box.kid}, which this worker does not have` +
        ` (its keys: ${ring.ids.join(', ') || 'none'}); set TASKREST_SECRET_KEY or TASKREST_OLD_SECRET_KEYS`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(box.iv, 'base64'))
      .setAAD(AAD)
      .setAuthTag(Buffer.from(box.tag, 'base64'));
    const text = Buffer.concat([
      decipher.update(Buffer.from(box.data, 'base64')),
      decipher.final(),
    ]);
    return text.toString('utf8');
  } catch {
    throw new SealedDataError(
      `task secrets sealed with key ${box.kid} failed authentication (altered in Redis?)`,
    );
  }
}

function isBox(value: unknown): value is SealedBox {
  const box = value as Partial<SealedBox> | null;
  return (
    box !== null &&
    typeof box === 'object' &&
    box.v === 1 &&
    typeof box.kid === 'string' &&
    typeof box.iv === 'string' &&
    typeof box.tag === 'string' &&
    typeof box.data === 'string'
  );
}
