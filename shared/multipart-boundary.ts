/**
 * The multipart boundary rules, shared by the task schema (which refuses a
 * bad boundary at enqueue) and the worker's encoder (which lays it out).
 */

/** RFC 2046 §5.1.1: 1-70 of these characters, not ending with a space. */
const BOUNDARY_CHARS = /^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/;

/** Why `boundary` is not a legal multipart boundary, or null when it is. */
export function boundaryProblem(boundary: string): string | null {
  if (!BOUNDARY_CHARS.test(boundary)) return 'expected 1-70 boundary characters (RFC 2046)';
  if (boundary.endsWith(' ')) return 'must not end with a space (RFC 2046)';
  return null;
}

/**
 * The `boundary` parameter of a Content-Type (`multipart/related;
 * boundary=abc`), quoted or not; undefined when it has none.
 */
export function boundaryInContentType(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]*)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}
