/**
 * What a token may do. `read`: GET only; `enqueue`: GET and enqueueing
 * (`POST …/tasks`, `POST …/tasks/bulk`); `admin`: everything.
 */
export const TokenScope = {
  READ: 'read',
  ENQUEUE: 'enqueue',
  ADMIN: 'admin',
} as const;
export type TokenScope = (typeof TokenScope)[keyof typeof TokenScope];

/** One accepted bearer token, the identity of its holder and what it may do. */
export interface ApiToken {
  /** Who calls with this token: its name, or `token:<n>` (1-based position in API_TOKENS). */
  readonly identity: string;
  readonly token: string;
  /** What the token may do; `admin` unless the entry names a scope. */
  readonly scope: TokenScope;
}

/** A name before the first colon: letters, digits, `_ . @ -`. */
const NAMED = /^([\w.@-]+):(.+)$/;
/** A scope after the last colon of a named entry. */
const SCOPED = /^(.+):(read|enqueue|admin)$/;

/**
 * Reads the entries of API_TOKENS: `name:token` gives the holder a name (it
 * becomes the execution's user, for pass_user_token), a bare `token` is
 * known as `token:<n>`, and `name:token:scope` limits what it may do. A
 * token that itself contains a colon must be named; one that ends in
 * `:read`, `:enqueue` or `:admin` must be given a scope as well.
 */
export function parseApiTokens(entries: readonly string[]): ApiToken[] {
  return entries.map((entry, index) => {
    const named = NAMED.exec(entry);
    if (!named) return { identity: `token:${index + 1}`, token: entry, scope: TokenScope.ADMIN };
    const scoped = SCOPED.exec(named[2]!);
    return scoped
      ? { identity: named[1]!, token: scoped[1]!, scope: scoped[2] as TokenScope }
      : { identity: named[1]!, token: named[2]!, scope: TokenScope.ADMIN };
  });
}
