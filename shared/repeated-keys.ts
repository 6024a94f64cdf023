import type { ValidationIssue } from './errors/validation-issue.js';

/**
 * One issue for each bulk item whose key (`field`: an idempotency key, a
 * job id) an earlier item already has, naming both indexes. One bulk
 * enqueues each id at most once: BullMQ would keep the first item's job and
 * report the later ones as its duplicates, mixing one item's task with
 * another's options.
 */
export function repeatedKeyIssues(
  keys: readonly (string | undefined)[],
  field: string,
): ValidationIssue[] {
  const first = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  keys.forEach((key, index) => {
    if (key === undefined) return;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else
      issues.push({ path: `${index}.${field}`, message: `the same ${field} as item ${earlier}` });
  });
  return issues;
}
