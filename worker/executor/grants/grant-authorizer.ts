import type { AxiosInstance } from 'axios';
import type { Config } from '../../../shared/config.js';
import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { TaskError } from '../../../shared/errors/task-error.js';
import type { Logger } from '../../../shared/logger.js';
import type { RedisClient } from '../../../shared/redis-connection.js';
import type { Credentials } from '../credentials.js';
import { loadGrantsFile } from './grants-file.js';
import { requestToken } from './token-client.js';
import { GrantTokenCache, type TokenCacheOptions } from './token-cache.js';

/** Credentials for the grant of that name. */
export type GrantAuthorizer = (name: string) => Promise<Credentials>;

export interface GrantAuthorizerDeps {
  readonly redis: RedisClient;
  /** The worker's axios instance: token requests use the same transport as tasks. */
  readonly http: Pick<AxiosInstance, 'request'>;
  readonly cache?: TokenCacheOptions;
  readonly logger?: Logger;
}

/**
 * Bearer credentials from the grants of GRANTS_FILE (read and validated here,
 * at worker start). A 401 from the target renews the token once: the cached
 * one is replaced for every worker, unless another worker already did so.
 */
export function createGrantAuthorizer(
  config: Pick<Config, 'grantsFile' | 'prefix' | 'secretKey'>,
  deps: GrantAuthorizerDeps,
): GrantAuthorizer {
  const caches = new Map(
    [...loadGrantsFile(config.grantsFile)].map(([name, grant]) => [
      name,
      new GrantTokenCache(
        deps.redis,
        config,
        name,
        grant,
        (refreshToken) => requestToken(deps.http, name, grant, refreshToken),
        { logger: deps.logger, ...deps.cache },
      ),
    ]),
  );
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  return async (name) => {
    const cache = caches.get(name);
    if (!cache)
      throw new TaskError(ErrorCode.GRANT, `grant "${name}" is not configured (GRANTS_FILE)`);
    const token = await cache.get();
    return { headers: bearer(token), renew: async () => bearer(await cache.get(token)) };
  };
}
