import type { Config } from '../../shared/config.js';
import type { Authorizer } from './credentials.js';
import { createGrantAuthorizer, type GrantAuthorizerDeps } from './grants/grant-authorizer.js';
import { createUserTokenAuthorizer } from './user-token/user-token-authorizer.js';

/**
 * The worker's Authorizer: a bearer token of the task's `grant`, or the
 * user's token for `pass_user_token` (the schema refuses tasks with both).
 * Reads and checks GRANTS_FILE and the user-token settings now, at start.
 */
export function createAuthorizer(config: Config, deps: GrantAuthorizerDeps): Authorizer {
  const grant = createGrantAuthorizer(config, deps);
  const userToken = createUserTokenAuthorizer(config);
  return async (task, url, context) => {
    if (task.grant) return grant(task.grant);
    if (task.pass_user_token) return userToken(url, context);
    return { headers: {} };
  };
}
