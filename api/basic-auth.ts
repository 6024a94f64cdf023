import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from './safe-equal.js';

/**
 * An onRequest hook for the dashboard (its page, static assets and API): with
 * DASHBOARD_USER/DASHBOARD_PASSWORD set, a request needs HTTP basic auth with
 * them, compared in constant time. Without them every request passes (only
 * allowed on a loopback address).
 */
export function basicAuth(user: string | undefined, password: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (user === undefined || password === undefined) return;
    const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(request.headers.authorization ?? '');
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const givenUser = colon === -1 ? '' : decoded.slice(0, colon);
    const givenPassword = colon === -1 ? '' : decoded.slice(colon + 1);
    // Both compared every time: no early exit that would time the user name.
    const userOk = safeEqual(givenUser, user);
    const passwordOk = safeEqual(givenPassword, password);
    if (match && colon !== -1 && userOk && passwordOk) return;
    await reply
      .code(401)
      .header('www-authenticate', 'Basic realm="taskrest dashboard", charset="UTF-8"')
      .send({ error: 'unauthorized', message: 'dashboard credentials are required' });
  };
}
