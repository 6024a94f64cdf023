import { formatIssues, type ValidationIssue } from '../shared/errors/invalid-task-error.js';

/** `title:` then one bad field a line, indented: how a command prints what it refused. */
export function issueLines(title: string, issues: readonly ValidationIssue[]): string {
  return `${title}:\n${issues.map((i) => `  ${formatIssues([i])}`).join('\n')}\n`;
}
