/** An answer of the API: its status and its JSON body (undefined when empty). */
export interface JsonAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, looked into freely
  body: any;
}

/**
 * One request to a taskrest API at `baseUrl`, a JSON body when given, with
 * the bearer `token` (null: without credentials).
 */
export async function jsonCall(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = null,
): Promise<JsonAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
