import { keyTag } from '../../../shared/queue-keys.js';
import { randomUUID } from 'node:crypto';
import type { Config } from '../../../shared/config.js';
import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { TaskError } from '../../../shared/errors/task-error.js';
import type { Logger } from '../../../shared/logger.js';
import type { RedisClient } from '../../../shared/redis-connection.js';
import type { Grant } from './grants-file.js';
import type { GrantedToken } from './token-client.js';
import { deriveGrantKeys, seal, unseal, type GrantKeys } from './token-crypto.js';
import { releaseLock, takeLock } from '../../../shared/redis-lock.js';

/** Fetches a new token; `refreshToken` is the latest rotated one, if any. */
export type FetchToken = (refreshToken: string | undefined) => Promise<GrantedToken>;

export interface TokenCacheOptions {
  /** Longest a fetch may hold the lock; a worker that died holding it delays others at most this long. @defaultValue 30000 */
  lockMs?: number;
  /** How often waiting workers look for the token. @defaultValue 100 */
  pollMs?: number;
  /** Lifetime assumed when the server gives no `expires_in` (a 401 still renews it). @defaultValue 300 */
  defaultLifetimeS?: number;
  now?: () => number;
  /** Hears when a token was fetched (info) or taken from another worker (debug); never the token. */
  logger?: Logger;
}

interface Entry {
  token: string;
  /** When to stop using it: shortly before the server's expiry. */
  useUntil: number;
}

/**
 * One grant's access token, cached in this process and shared with every
 * worker process through Redis (under the configured prefix, so the hash tag
 * keeps the keys in the queue's cluster slot). When many workers need a token
 * at once, a Redis lock (SET NX PX) lets exactly one of them ask the token
 * endpoint; the others wait for what it stores. Tokens are kept until shortly
 * before they expire (10% of the lifetime, at most a minute) and rest in Redis
 * encrypted (see token-crypto.ts).
 */
export class GrantTokenCache {
  readonly #keys: GrantKeys;
  readonly #base: string;
  readonly #lockMs: number;
  readonly #pollMs: number;
  readonly #defaultLifetimeS: number;
  readonly #now: () => number;
  readonly #logger: Logger | undefined;
  readonly #redis: RedisClient;
  readonly #name: string;
  readonly #fetch: FetchToken;
  #local: Entry | undefined;
  #loading: Promise<string> | undefined;

  constructor(
    redis: RedisClient,
    config: Pick<Config, 'prefix' | 'secretKey'>,
    name: string,
    grant: Grant,
    fetch: FetchToken,
    options: TokenCacheOptions = {},
  ) {
    this.#redis = redis;
    this.#name = name;
    this.#fetch = fetch;
    this.#keys = deriveGrantKeys(name, grant, grant.client_secret, config.secretKey);
    this.#base = `${keyTag(config.prefix, 'grants')}:grant:${name}:${this.#keys.fingerprint}`;
    this.#lockMs = options.lockMs ?? 30_000;
    this.#pollMs = options.pollMs ?? 100;
    this.#defaultLifetimeS = options.defaultLifetimeS ?? 300;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
  }

  /**
   * A usable access token. With `rejected` (a token the resource server
   * answered 401 to), a token other than that one: another worker's renewal
   * when it already happened, else a new one from the token endpoint.
   */
  async get(rejected?: string): Promise<string> {
    const local = this.#local;
    if (local && local.useUntil > this.#now() && local.token !== rejected) return local.token;
    if (this.#loading) {
      const token = await this.#loading;
      if (token !== rejected) return token;
    }
    // Concurrent executions of this process share one load.
    this.#loading ??= this.#load(rejected).finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #load(rejected: string | undefined): Promise<string> {
    const giveUpAt = this.#now() + this.#lockMs + 5_000;
    for (;;) {
      const shared = await this.#readShared();
      if (shared && shared.token !== rejected) return this.#keepShared(shared);
      const owner = randomUUID();
      if (await takeLock(this.#redis, this.#key('lock'), owner, this.#lockMs)) {
        try {
          // Another worker may have stored one between the read and the lock.
          const again = await this.#readShared();
          if (again && again.token !== rejected) return this.#keepShared(again);
          return this.#keep(await this.#fetchAndStore());
        } finally {
          await this.#release(owner);
        }
      }
      if (this.#now() > giveUpAt) {
        throw new TaskError(
          ErrorCode.GRANT,
          `grant "${this.#name}": no token after ${Math.round((this.#lockMs + 5000) / 1000)} s of waiting for another worker to fetch it`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
    }
  }

  async #fetchAndStore(): Promise<Entry> {
    const refreshKey = this.#key('refresh');
    const rotated = await this.#redis.get(refreshKey);
    const startedAt = this.#now();
    const granted = await this.#fetch(
      rotated ? (unseal(this.#keys.sealKey, rotated, refreshKey) ?? undefined) : undefined,
    );
    this.#logger?.info('grant token fetched', {
      grant: this.#name,
      expiresInS: granted.expiresInS,
    });
    if (granted.refreshToken) {
      // Servers that rotate refresh tokens invalidate the old one: keep the new one for every worker.
      await this.#redis.set(refreshKey, seal(this.#keys.sealKey, granted.refreshToken, refreshKey));
    }
    const lifetimeMs = (granted.expiresInS ?? this.#defaultLifetimeS) * 1000;
    const entry = {
      token: granted.accessToken,
      useUntil: startedAt + lifetimeMs - Math.min(60_000, lifetimeMs / 10),
    };
    const ttl = Math.floor(entry.useUntil - this.#now());
    if (ttl > 0) {
      const tokenKey = this.#key('token');
      await this.#redis.set(
        tokenKey,
        seal(this.#keys.sealKey, JSON.stringify(entry), tokenKey),
        'PX',
        ttl,
      );
    }
    return entry;
  }

  async #readShared(): Promise<Entry | null> {
    const tokenKey = this.#key('token');
    const sealed = await this.#redis.get(tokenKey);
    const plain = sealed ? unseal(this.#keys.sealKey, sealed, tokenKey) : null;
    if (!plain) return null;
    const entry = JSON.parse(plain) as Entry;
    return entry.useUntil > this.#now() ? entry : null;
  }

  /** Keeps a token another worker fetched, however this one came to read it. */
  #keepShared(entry: Entry): string {
    this.#logger?.debug('grant token from the shared cache', { grant: this.#name });
    return this.#keep(entry);
  }

  #keep(entry: Entry): string {
    this.#local = entry;
    return entry.token;
  }

  /** Deletes the lock only while it is still ours (it may have expired and been taken). */
  async #release(owner: string): Promise<void> {
    await releaseLock(this.#redis, this.#key('lock'), owner);
  }

  #key(kind: 'token' | 'lock' | 'refresh'): string {
    return `${this.#base}:${kind}`;
  }
}
