/** One accepted bearer token and the identity of its holder. */
export interface ApiToken {
  /** Who calls with this token: its name, or `token:<n>` (1-based position in API_TOKENS). */
  readonly identity: string;
  readonly token: string;
}

/** A name before the first colon: letters, digits, `_ . @ -`. */
const NAMED = /^([\w.@-]+):(.+)$/;

/**
 * Reads the entries of API_TOKENS: `name:token` gives the holder a name (it
 * becomes the execution's user, for pass_user_token), a bare `token` is
 * known as `token:<n>`. A token that itself contains a colon must be named.
 */
export function parseApiTokens(entries: readonly string[]): ApiToken[] {
  return entries.map((entry, index) => {
    const named = NAMED.exec(entry);
    return named
      ? { identity: named[1]!, token: named[2]! }
      : { identity: `token:${index + 1}`, token: entry };
  });
}
