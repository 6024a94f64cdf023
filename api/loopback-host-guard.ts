import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../shared/config.js';
import { isLoopbackHost } from './exposure-check.js';

/** True when some part runs open: no API_TOKENS, or no dashboard credentials. */
export function runsOpen(
  config: Pick<Config, 'apiTokens' | 'dashboardUser' | 'dashboardPassword'>,
): boolean {
  return config.apiTokens.length === 0 || !config.dashboardUser || !config.dashboardPassword;
}

/** The name of a Host header without its port: `[::1]:8080` → `[::1]`, `localhost:80` → `localhost`. */
export function hostNameOf(host: string): string {
  const bracketed = /^(\[[^\]]*\])(?::\d*)?$/.exec(host);
  if (bracketed) return bracketed[1]!;
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * An onRequest hook for a server that runs open on a loopback HOST: only
 * loopback names (`localhost`, `127.x.x.x`, `[::1]`, with or without a port)
 * may be in the Host header. Otherwise a web page whose name an attacker
 * points at 127.0.0.1 (DNS rebinding) could call the API and the dashboard
 * from the user's browser. A request without Host (HTTP/1.0) comes from no
 * browser and passes.
 */
export function loopbackHostGuard() {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const host = request.headers.host;
    if (host === undefined || isLoopbackHost(hostNameOf(host.trim()))) return;
    await reply.code(403).send({
      error: 'host not allowed',
      message:
        'taskrest runs without credentials on a loopback address, so it answers only requests for localhost, 127.x.x.x or [::1]; set API_TOKENS, DASHBOARD_USER and DASHBOARD_PASSWORD to serve other host names',
    });
  };
}
