import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiToken } from './api-tokens.js';
import { safeEqual } from './safe-equal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The bearer token holder's identity; undefined when the API runs without tokens. */
    caller?: string;
  }
}

/**
 * An onRequest hook for `/api/*`: with tokens configured, a request needs
 * `Authorization: Bearer <token>` with one of them (compared in constant
 * time); the holder's identity goes to `request.caller`. Without tokens
 * (only allowed on a loopback address) every request passes.
 */
export function bearerAuth(tokens: readonly ApiToken[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (tokens.length === 0) return;
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    // Every token is compared, so the time taken does not tell which one nearly matched.
    let found: ApiToken | undefined;
    for (const candidate of tokens) {
      if (safeEqual(match?.[1] ?? '', candidate.token) && match) found ??= candidate;
    }
    if (!found) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="taskrest"')
        .send({ error: 'unauthorized', message: 'a valid bearer token is required (API_TOKENS)' });
      return;
    }
    request.caller = found.identity;
  };
}
