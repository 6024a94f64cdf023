import {
  startScriptedTarget,
  type Arrival,
  type Reply,
  type ScriptedTarget,
} from './scripted-target.js';

/**
 * A resource server on loopback that accepts a bearer token only when
 * `accepts(token)` says so, and answers 401 otherwise. It never echoes the
 * Authorization header back.
 */
export interface ResourceServer extends ScriptedTarget {
  /** Tokens answered 401 even though `accepts` would take them (revoked ones). */
  readonly revoked: Set<string>;
  /** The Authorization header of each arrival, in order (undefined: none sent). */
  authorizations(): (string | undefined)[];
}

/** Starts a resource server that answers each request after `delayMs`. */
export async function startResourceServer(
  accepts: (token: string) => boolean,
  delayMs = 0,
): Promise<ResourceServer> {
  const revoked = new Set<string>();
  const reply = ({ headers }: Arrival): Reply => {
    const header = headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const ok = token !== undefined && accepts(token) && !revoked.has(token);
    return ok
      ? { body: { ok: true }, delayMs }
      : { status: 401, body: { error: 'invalid_token' }, delayMs };
  };
  const target = await startScriptedTarget({ reply });
  return Object.assign(target, {
    revoked,
    authorizations: () => target.arrivals.map((a) => a.headers.authorization),
  });
}
