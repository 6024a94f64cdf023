import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-error.js';
import { ERROR_ANSWERS, toApiError } from '../../api/error-answers.js';
import { describeError, exitCodeOfError } from '../../cli/exit-code-of-error.js';
import { UsageError } from '../../cli/usage-error.js';
import {
  AlreadyFinishedError,
  ConfigError,
  ErrorCode,
  ExecutionNotFoundError,
  InvalidOptionsError,
  NotFailedError,
  FileChangedError,
  FileNotFoundError,
  FileTooLargeError,
  InvalidFileNameError,
  InvalidScheduleError,
  InvalidTaskError,
  RedisUnavailableError,
  ScheduledExecutionError,
  ScheduleNotFoundError,
  TaskError,
  TaskTooLargeError,
} from '../../shared/errors/index.js';

describe('the API answers by error code', () => {
  it.each([
    [new InvalidTaskError([{ path: 'url', message: 'required' }]), 400, 'invalid task'],
    [new TaskTooLargeError(10, 5), 413, 'task too large'],
    [new RedisUnavailableError('Redis did not answer within 1500 ms'), 503, 'redis unavailable'],
    [new FileTooLargeError('a', 5), 413, 'file too large'],
    [new InvalidFileNameError('invalid file name "../a"'), 400, 'invalid file name'],
    [new FileNotFoundError('a'), 404, 'not found'],
    [new FileChangedError('a'), 409, 'file changed'],
    [new ApiError(ErrorCode.NOT_FOUND, 'no execution 7'), 404, 'not found'],
    [new InvalidScheduleError([{ path: 'cron', message: 'bad' }]), 400, 'invalid schedule'],
    [new ScheduleNotFoundError('nightly'), 404, 'not found'],
    [new ApiError(ErrorCode.EXECUTION_ACTIVE, 'running'), 409, 'execution is active'],
    [new ApiError(ErrorCode.BAD_REQUEST, 'wait: …'), 400, 'bad request'],
    [new ApiError(ErrorCode.INVALID_IDEMPOTENCY_KEY, 'bad'), 400, 'invalid Idempotency-Key'],
    [new InvalidOptionsError([{ path: 'priority', message: 'x' }]), 400, 'invalid options'],
    [new ExecutionNotFoundError('7', 'q'), 404, 'not found'],
    [new NotFailedError('7', 'completed'), 409, 'not failed'],
    [new AlreadyFinishedError('7', 'failed'), 409, 'already finished'],
    [new ScheduledExecutionError('repeat:n:1', 'n', 'q'), 409, 'scheduled execution'],
  ])('%s → %i %s', (error, status, word) => {
    const { statusCode, body } = toApiError(error);
    expect(statusCode).toBe(status);
    expect(body.error).toBe(word);
    expect(ERROR_ANSWERS[error.code]).toEqual({ status, error: word });
  });

  it('a bad task names its fields; Redis trouble says nothing about the connection', () => {
    expect(toApiError(new InvalidTaskError([{ path: 'url', message: 'required' }])).body).toEqual({
      error: 'invalid task',
      issues: [{ path: 'url', message: 'required' }],
    });
    expect(toApiError(new RedisUnavailableError('redis://:pw@host failed')).body).toEqual({
      error: 'redis unavailable',
      message: 'Redis does not answer; nothing was stored',
    });
  });

  it('an ioredis connection failure is a 503 like RedisUnavailableError', () => {
    expect(toApiError(new Error('Connection is closed.')).statusCode).toBe(503);
    expect(toApiError(new Error('connect ECONNREFUSED 127.0.0.1:1')).statusCode).toBe(503);
  });

  it("Fastify's client errors are 400, its body limit 413", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toApiError(tooLarge)).toEqual({
      statusCode: 413,
      body: { error: 'body too large', message: 'Request body is too large' },
    });
    const badJson = Object.assign(new Error('Body is not valid JSON'), {
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      statusCode: 400,
    });
    expect(toApiError(badJson).body.error).toBe('bad request');
  });

  it('anything else, and codes the API does not answer with, are a 500 that says nothing inside', () => {
    const internal = { statusCode: 500, body: { error: 'internal error' } };
    expect(toApiError(new Error('secret detail'))).toEqual(internal);
    expect(toApiError('a string')).toEqual(internal);
    expect(toApiError(new TaskError(ErrorCode.INTERNAL, 'secret detail'))).toEqual(internal);
    expect(toApiError(new ConfigError('bad'))).toEqual(internal);
  });
});

describe('the CLI exits by error code', () => {
  it.each([
    [new UsageError('usage'), 2],
    [new ConfigError('invalid configuration: PORT: expected a port number'), 2],
    [new InvalidTaskError([]), 2],
    [new TaskTooLargeError(10, 5), 2],
    [new InvalidFileNameError('bad name'), 2],
    [new InvalidScheduleError([]), 2],
    [new ScheduleNotFoundError('nightly'), 1],
    [new RedisUnavailableError('down'), 1],
    [new FileTooLargeError('a', 5), 1],
    [new FileNotFoundError('a'), 1],
    [new Error('anything'), 1],
  ])('%s → exit %i', (error, code) => {
    expect(exitCodeOfError(error)).toBe(code);
  });

  it('prints usage mistakes as they are, a hint for Redis, and the command for the rest', () => {
    expect(describeError(new UsageError('usage: taskrest status ID'), 'status')).toBe(
      'usage: taskrest status ID',
    );
    expect(describeError(new RedisUnavailableError('Redis did not answer'), 'enqueue')).toBe(
      'Redis did not answer: is REDIS_URL right, and is Redis running?',
    );
    expect(describeError(new Error('boom'), 'worker')).toBe('taskrest worker: boom');
  });
});
