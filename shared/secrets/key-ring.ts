import { createHash } from 'node:crypto';

/** One encryption key and its id. */
export interface SecretKey {
  /** The first 8 hex digits of the key's SHA-256: names the key without revealing it. */
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The keys a process knows: the current one (TASKREST_SECRET_KEY), which
 * seals and opens, and earlier ones (TASKREST_OLD_SECRET_KEYS), which only
 * open, so that jobs sealed before a key rotation still run.
 */
export interface KeyRing {
  /** The sealing key; undefined when TASKREST_SECRET_KEY is not set. */
  readonly current: SecretKey | undefined;
  /** The key with this id, current or old. */
  byId(id: string): SecretKey | undefined;
  /** The ids of every key, current first (for messages). */
  readonly ids: readonly string[];
}

/** The id of a key: 8 hex digits of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** The key ring of a configuration. */
export function createKeyRing(config: {
  readonly secretKey: Buffer | undefined;
  readonly oldSecretKeys: readonly Buffer[];
}): KeyRing {
  const toKey = (key: Buffer): SecretKey => ({ id: keyIdOf(key), key });
  const current = config.secretKey ? toKey(config.secretKey) : undefined;
  const all = new Map<string, SecretKey>();
  for (const key of config.oldSecretKeys.map(toKey)) all.set(key.id, key);
  if (current) all.set(current.id, current);
  const ids = [...all.keys()].reverse();
  return { current, byId: (id) => all.get(id), ids };
}
