const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/**
 * A request's destination: `scheme://host:port`, with the port always
 * written (`https://api.example.com:443`), so that one destination has one
 * name whether or not its URLs spell the default port.
 */
export function destinationOf(url: URL): string {
  return `${url.protocol}//${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol] || ''}`;
}
