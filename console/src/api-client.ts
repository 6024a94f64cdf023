/**
 * The console's one way to the taskrest HTTP API: same origin, the token
 * (if any) as `Authorization: Bearer`. The token lives in sessionStorage
 * only, so it ends with the tab and is never written to disk by the page.
 */

const TOKEN_KEY = 'taskrest-console-token';

/** The API answered 401: the token is missing or wrong. */
export class UnauthorizedError extends Error {
  readonly status = 401;

  constructor() {
    super('unauthorized');
  }
}

/**
 * The API answered with another error status; `message` is its `error` when
 * it gave one, `detail` its sentence for people (the body's `message`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** What an error says to people: the API's sentence when it gave one, else its message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError && error.detail) return error.detail;
  return error instanceof Error ? error.message : String(error);
}

/** The token this tab signed in with, or null. */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keeps the token for this tab (null forgets it). */
export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** Calls the API with the stored token (or `token` when given); JSON in and out. */
export async function callApi<T>(
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<T> {
  const token = init.token === undefined ? storedToken() : init.token;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (response.status === 401) throw new UnauthorizedError();
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const { error, message } = (parsed ?? {}) as { error?: unknown; message?: unknown };
    throw new ApiError(
      response.status,
      typeof error === 'string' ? error : response.statusText,
      typeof message === 'string' ? message : undefined,
    );
  }
  return parsed as T;
}

/** A query string of the given parameters, empty ones left out (`?a=1&b=2`, or ''). */
export function queryOf(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
