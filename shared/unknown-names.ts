import { closestName } from './closest-name.js';
import type { ValidationIssue } from './errors/validation-issue.js';

/**
 * One issue for each name of `given` that is not in `known`, its path after
 * `at` when given, with the known name it is closest to: `dealy: unknown
 * option (did you mean delay?)`. A typo is refused, never taken as "not set".
 */
export function unknownNameIssues(
  given: object,
  known: readonly string[],
  at?: string,
): ValidationIssue[] {
  return Object.keys(given)
    .filter((name) => !known.includes(name))
    .map((name) => {
      const near = closestName(name, known);
      return {
        path: at === undefined ? name : `${at}.${name}`,
        message: `unknown option${near ? ` (did you mean ${near}?)` : ''}`,
      };
    });
}
