import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../shared/logger.js';
import type { ApiToken } from './api-tokens.js';
import { scopeAllows, scopeOfRoute } from './route-scope.js';
import { safeEqual } from './safe-equal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The bearer token holder's identity; undefined when the API runs without tokens. */
    caller?: string;
  }
}

/** The token of a request's `Authorization: Bearer …`, if one of `tokens`. */
function tokenOf(request: FastifyRequest, tokens: readonly ApiToken[]): ApiToken | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  // Every token is compared, so the time taken does not tell which one nearly matched.
  let found: ApiToken | undefined;
  for (const candidate of tokens) {
    if (safeEqual(match?.[1] ?? '', candidate.token) && match) found ??= candidate;
  }
  return found;
}

/**
 * An onRequest hook for `/api/*`: with tokens configured, a request needs
 * `Authorization: Bearer <token>` with one of them (compared in constant
 * time, else 401) whose scope allows the route (else 403, logged with the
 * holder's name); the holder's identity goes to `request.caller`. Without
 * tokens (only allowed on a loopback address) every request passes.
 */
export function bearerAuth(tokens: readonly ApiToken[], logger?: Logger) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (tokens.length === 0) return;
    const found = tokenOf(request, tokens);
    if (!found) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="taskrest"')
        .send({ error: 'unauthorized', message: 'a valid bearer token is required (API_TOKENS)' });
      return;
    }
    const needed = scopeOfRoute(request.method, request.routeOptions.url);
    if (!scopeAllows(found.scope, needed)) {
      logger?.warn('request refused: token scope', {
        caller: found.identity,
        scope: found.scope,
        needed,
        method: request.method,
        route: request.routeOptions.url,
      });
      await reply.code(403).send({
        error: 'forbidden',
        message: `this token's scope is ${found.scope}; ${request.method} ${request.routeOptions.url ?? request.url} needs ${needed}`,
      });
      return;
    }
    request.caller = found.identity;
  };
}
