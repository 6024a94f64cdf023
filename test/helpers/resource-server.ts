import { startHttpTestServer, type HttpTestServer } from './http-test-server.js';

/**
 * A resource server on loopback that accepts a bearer token only when
 * `accepts(token)` says so, and answers 401 otherwise. It records each
 * request's Authorization header and never echoes it back.
 */
export interface ResourceServer extends HttpTestServer {
  /** Authorization headers received, in order (undefined: none sent). */
  readonly authorizations: (string | undefined)[];
  /** Tokens answered 401 even though `accepts` would take them (revoked ones). */
  readonly revoked: Set<string>;
}

export async function startResourceServer(
  accepts: (token: string) => boolean,
  delayMs = 0,
): Promise<ResourceServer> {
  const authorizations: (string | undefined)[] = [];
  const revoked = new Set<string>();
  const server = await startHttpTestServer((req, res) => {
    const header = req.headers.authorization;
    authorizations.push(header);
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const ok = token !== undefined && accepts(token) && !revoked.has(token);
    setTimeout(() => {
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { ok: true } : { error: 'invalid_token' }));
    }, delayMs);
  });
  return Object.assign(server, { authorizations, revoked });
}
