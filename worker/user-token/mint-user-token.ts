import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

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
 */
export function mintUserToken(
  user: string,
  executionId: string | number,
  settings: UserTokenSettings,
): Promise<string> {
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
