import { useEffect, useState } from 'preact/hooks';

/**
 * The console's views live in the URL's hash (`#/executions?state=failed`),
 * so every view is addressable while the server serves one page at `/`.
 */
export interface Route {
  /** The path segments after `#/`, decoded (`['executions', 'q1', '7']`). */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
}

/** The route the given hash names. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = text.split('?', 2);
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  return { segments, query: new URLSearchParams(query) };
}

/** The hash of a route: segments encoded, empty query parameters left out. */
export function hrefOf(segments: readonly string[], query: Record<string, string> = {}): string {
  const path = segments.map((s) => encodeURIComponent(s)).join('/');
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''));
  const text = search.toString();
  return `#/${path}${text === '' ? '' : `?${text}`}`;
}

/** The current route, updated as the hash changes. */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const changed = (): void => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return parseRoute(hash);
}
