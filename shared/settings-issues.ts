import type { z } from 'zod';
import type { ValidationIssue } from './errors/invalid-task-error.js';

/**
 * A settings schema's issues (queues, schedules), each with its field's
 * dotted path; a single unknown field is named as the path.
 */
export function settingsIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({
    path: [...i.path.map(String), ...unrecognizedKeys(i)].join('.'),
    message: i.message,
  }));
}

function unrecognizedKeys(issue: z.core.$ZodIssue): string[] {
  return issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? issue.keys : [];
}
