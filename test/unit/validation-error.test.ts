import { describe, expect, it } from 'vitest';
import { toApiError } from '../../api/error-answers.js';
import {
  ErrorCode,
  InvalidOptionsError,
  InvalidQueueError,
  InvalidScheduleError,
  InvalidTaskError,
  TaskError,
  ValidationError,
  type ValidationIssue,
} from '../../shared/errors/index.js';

const issues: ValidationIssue[] = [
  { path: 'a.b', message: 'required' },
  { path: '', message: 'expected an object' },
];

describe('ValidationError', () => {
  it.each([
    [new InvalidTaskError(issues), ErrorCode.INVALID_TASK, 'invalid task'],
    [new InvalidOptionsError(issues), ErrorCode.INVALID_OPTIONS, 'invalid options'],
    [new InvalidQueueError(issues), ErrorCode.INVALID_QUEUE, 'invalid queue'],
    [new InvalidScheduleError(issues), ErrorCode.INVALID_SCHEDULE, 'invalid schedule'],
  ])('%s carries its issues, its code and its message', (error, code, subject) => {
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe(code);
    expect(error.issues).toBe(issues);
    expect(error.message).toBe(`${subject}: a.b: required; expected an object`);
  });

  it('leaves an InvalidTaskError the execution failure (TaskError) it was', () => {
    expect(new InvalidTaskError(issues)).toBeInstanceOf(TaskError);
  });

  it.each([
    new InvalidTaskError(issues),
    new InvalidOptionsError(issues),
    new InvalidQueueError(issues),
    new InvalidScheduleError(issues),
  ])('the API answers %s with its issues', (error) => {
    expect(toApiError(error).body.issues).toEqual(issues);
  });
});
