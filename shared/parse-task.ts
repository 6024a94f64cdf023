import type { z } from 'zod';
import { InvalidTaskError, type ValidationIssue } from './errors/invalid-task-error.js';
import {
  multipartSchema,
  TASK_INPUT_NAMES,
  taskSchema,
  type MultipartSpec,
  type Task,
} from './task-schema.js';
import { closestName } from './closest-name.js';

/**
 * Validates a task (enqueue time, and again in the worker). Returns the task
 * with the connector's defaults applied, or throws an InvalidTaskError naming every
 * offending field.
 */
export function parseTask(input: unknown): Task {
  const result = taskSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidTaskError(toValidationIssues(result.error));
}

/** Like parseTask, without throwing. */
export function checkTask(
  input: unknown,
): { ok: true; task: Task } | { ok: false; issues: ValidationIssue[] } {
  const result = taskSchema.safeParse(input);
  return result.success
    ? { ok: true, task: result.data }
    : { ok: false, issues: toValidationIssues(result.error) };
}

/**
 * Validates a task's `multipart` input alone, with the same rules as
 * parseTask (the worker's encoder checks what it is handed). Issues are named
 * as in a task: `multipart.parts.0.file`.
 */
export function parseMultipart(input: unknown): MultipartSpec {
  const result = multipartSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidTaskError(
    toValidationIssues(result.error).map((i) => ({
      ...i,
      path: i.path ? `multipart.${i.path}` : 'multipart',
    })),
  );
}

function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      // One issue per unknown key, each named: they are almost always typos.
      const known = path === '' ? TASK_INPUT_NAMES : [];
      for (const key of issue.keys) {
        const hint = closestName(key, known);
        issues.push({
          path: path ? `${path}.${key}` : key,
          message: hint ? `unknown input (did you mean ${hint}?)` : 'unknown input',
        });
      }
    } else if (issue.code === 'invalid_key') {
      // A bad key of a record (a header or cookie name): say what is wrong with the key itself.
      issues.push({ path, message: issue.issues[0]?.message ?? issue.message });
    } else if (path === '' && issue.code === 'invalid_type') {
      issues.push({ path: '', message: 'a task must be a JSON object' });
    } else {
      issues.push({ path, message: issue.message });
    }
  }
  return issues;
}
