import type { Task } from './task-schema.js';

const ABSOLUTE = /^https?:\/\//i;

/**
 * Composes the request URL from the task's URL parts.
 *
 * - `url` alone: an absolute URL.
 * - `hostname` (optionally with `:port`) with `scheme`: the origin; a `url`
 *   without a scheme is then a path (docs/tasks.md).
 * - The path is `[url's own path]/[base_path]/[relative url]/[path]`, joined
 *   with single slashes: `hostname='httpbin.org', base_url='anything',
 *   url='some/path'` requests `https://httpbin.org/anything/some/path`.
 * - `params` are appended to any query the URL already has (lists repeat the key).
 */
export function buildUrl(task: Task): URL {
  const absolute = task.url && ABSOLUTE.test(task.url) ? task.url : null;
  const url = new URL(absolute ?? `${task.scheme}://${task.hostname}`);
  const relative = absolute ? null : task.url;
  const segments = [url.pathname, task.base_path, relative, task.path].filter(
    (s): s is string => s != null && s !== '' && s !== '/',
  );
  // A relative url may carry its own query string ("items?page=2").
  const [relativePath, relativeQuery] = splitQuery(segments);
  const pathname = joinPath(relativePath);
  // Set only when it changes: the setter parses the URL again (most tasks give one URL, already joined).
  if (pathname !== url.pathname) url.pathname = pathname;
  if (relativeQuery) {
    for (const [key, value] of new URLSearchParams(relativeQuery))
      url.searchParams.append(key, value);
  }
  for (const [key, value] of Object.entries(task.params ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null) url.searchParams.append(key, String(item));
    }
  }
  return url;
}

function splitQuery(segments: string[]): [string[], string | null] {
  let query: string | null = null;
  const paths = segments.map((segment) => {
    const at = segment.indexOf('?');
    if (at === -1) return segment;
    query = query ? `${query}&${segment.slice(at + 1)}` : segment.slice(at + 1);
    return segment.slice(0, at);
  });
  return [paths, query];
}

function joinPath(segments: string[]): string {
  const trailingSlash = segments.at(-1)?.endsWith('/') ?? false;
  const joined = segments
    .map((s) => s.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}${trailingSlash && joined ? '/' : ''}`;
}
