import { randomUUID } from 'node:crypto';

/** How user tokens are signed. */
export interface UserTokenSettings {
  /** USER_TOKEN_SECRET, the HS256 key. */
  readonly secret: Uint8Array;
  /** USER_TOKEN_AUDIENCE. */
  readonly audience: string;
  /** @defaultValue 300 */
  readonly lifetimeS?: number;
}

/** The `iss` of every user token. */
export const USER_TOKEN_ISSUER = 'taskrest';

/**
 * A short-lived JWT (HS256) saying that `user` started execution
 * `executionId`: `sub` the user, `aud` the configured audience, `iss`
 * taskrest, `iat`, `exp` (5 minutes), and a unique `jti` so that the
 * receiver can refuse replays.
 *
 * jose is imported by the first task that asks for a user token: loaded with
 * the worker it would hold heap in every worker (see docs/performance.md),
 * most of which never mint one.
 */
export async function mintUserToken(
  user: string,
  executionId: string | number,
  settings: UserTokenSettings,
): Promise<string> {
  const { SignJWT } = await import('jose');
  return new SignJWT({ execution_id: executionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user)
    .setAudience(settings.audience)
    .setIssuer(USER_TOKEN_ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${settings.lifetimeS ?? 300}s`)
    .setJti(randomUUID())
    .sign(settings.secret);
}
