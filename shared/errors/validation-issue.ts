/** One problem with one input field. `path` is dotted: `retry_backoff.multiplier`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** The issues as one line, each prefixed with its field's path (`url: required; …`). */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
