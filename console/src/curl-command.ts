/** Quotes a word for a POSIX shell: single quotes, each `'` written as `'\''`. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The execution's first request as a curl command: its method and its URL
 * as the API gives it (credentials already redacted). The API keeps no
 * request headers or body, so none are written, and no secret can be.
 */
export function curlCommand(method: string, url: string): string {
  const verb = method === 'GET' ? '' : ` -X ${method}`;
  return `curl${verb} ${shellQuote(url)}`;
}
