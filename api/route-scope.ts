import { TokenScope } from './api-tokens.js';

/** Enqueueing routes: `POST /api/tasks`, `/api/tasks/bulk` and the same on a named queue. */
const ENQUEUE_ROUTE = /^\/api(\/queues\/:queue)?\/tasks(\/bulk)?$/;

/** The scopes that include each one: a token of any of them may use a route of that scope. */
const INCLUDED_BY: Readonly<Record<TokenScope, readonly TokenScope[]>> = {
  [TokenScope.READ]: [TokenScope.READ, TokenScope.ENQUEUE, TokenScope.ADMIN],
  [TokenScope.ENQUEUE]: [TokenScope.ENQUEUE, TokenScope.ADMIN],
  [TokenScope.ADMIN]: [TokenScope.ADMIN],
};

/**
 * The scope a request needs, from its method and the route it matched (the
 * registered pattern, so an id in the path cannot change it): reading is
 * `read`, enqueueing `enqueue`, everything else (cancel, replay, queues,
 * schedules, files) `admin`. One rule for every route, new ones included:
 * a new route that changes something is `admin` until it is listed here.
 */
export function scopeOfRoute(method: string, route: string | undefined): TokenScope {
  if (method === 'GET' || method === 'HEAD') return TokenScope.READ;
  if (method === 'POST' && route !== undefined && ENQUEUE_ROUTE.test(route)) {
    return TokenScope.ENQUEUE;
  }
  return TokenScope.ADMIN;
}

/** Whether a token of scope `held` may use a route that needs `needed`. */
export function scopeAllows(held: TokenScope, needed: TokenScope): boolean {
  return INCLUDED_BY[needed].includes(held);
}
