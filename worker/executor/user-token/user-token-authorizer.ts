import type { Config } from '../../../shared/config.js';
import { ConfigError } from '../../../shared/errors/config-error.js';
import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { TaskError } from '../../../shared/errors/task-error.js';
import type { Credentials } from '../credentials.js';
import type { ExecutionContext } from '../execution-context.js';
import { mintUserToken, type UserTokenSettings } from './mint-user-token.js';

/** Credentials for a `pass_user_token` request to `url`. */
export type UserTokenAuthorizer = (url: URL, context: ExecutionContext) => Promise<Credentials>;

/** HS256 keys shorter than the hash are weak (RFC 7518 3.2). */
const MIN_SECRET_BYTES = 32;

/**
 * Mints the user's token for requests to the own API, and for nothing else:
 * the request must go to an origin of TASKREST_API_ORIGINS, else the
 * execution fails before anything is sent. Settings are checked here, at
 * worker start; a bad one stops the worker with the variable named.
 */
export function createUserTokenAuthorizer(
  config: Pick<Config, 'userTokenSecret' | 'userTokenAudience' | 'apiOrigins'>,
): UserTokenAuthorizer {
  const origins = new Set(config.apiOrigins.map(originOf));
  const secret = config.userTokenSecret;
  if (secret !== undefined && Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new ConfigError(
      `invalid configuration: USER_TOKEN_SECRET: expected at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  const settings: UserTokenSettings | undefined =
    secret && config.userTokenAudience
      ? { secret: new TextEncoder().encode(secret), audience: config.userTokenAudience }
      : undefined;

  return async (url, context) => {
    if (!origins.has(url.origin)) {
      throw refusal(
        `${url.origin} is not an own-API origin (TASKREST_API_ORIGINS); the user token is sent only there`,
      );
    }
    if (!settings) throw refusal('USER_TOKEN_SECRET and USER_TOKEN_AUDIENCE must be set');
    if (!context.user) {
      throw refusal('no user is recorded for this execution (enqueue it with a user)');
    }
    const token = await mintUserToken(context.user, context.executionId, settings);
    return { headers: { Authorization: `Bearer ${token}` } };
  };
}

function refusal(why: string): TaskError {
  return new TaskError(ErrorCode.USER_TOKEN, `pass_user_token: ${why}`);
}

function originOf(text: string): string {
  try {
    const url = new URL(text);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== 'null') {
      return url.origin;
    }
  } catch {
    // Reported below.
  }
  throw new ConfigError(
    `invalid configuration: TASKREST_API_ORIGINS: "${text}" is not an origin (expected scheme://host[:port])`,
  );
}
