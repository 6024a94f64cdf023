import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as errors from '../../shared/errors/index.js';
import * as library from '../../producer/index.js';
import {
  AlreadyFinishedError,
  ConfigError,
  DestinationNotFoundError,
  ErrorCode,
  ExecutionNotFoundError,
  InvalidOptionsError,
  NotFailedError,
  FileChangedError,
  FileNotFoundError,
  FileTooLargeError,
  FlowKeyNotFoundError,
  InvalidDestinationError,
  InvalidFileNameError,
  InvalidFlowKeyError,
  InvalidScheduleError,
  InvalidTaskError,
  RedisUnavailableError,
  ScheduledExecutionError,
  ScheduleNotFoundError,
  SealedDataError,
  TaskError,
  TaskrestError,
  TaskTooLargeError,
} from '../../shared/errors/index.js';
import { ApiError } from '../../api/api-error.js';
import { UsageError } from '../../cli/usage-error.js';
import { DestinationDeniedError } from '../../shared/outbound/destination-denied-error.js';
import {
  TransportError,
  TransportErrorCode,
} from '../../worker/executor/transport/transport-error.js';

/** One of every error class of the product, with the code and name it must have. */
const EVERY_ERROR: [TaskrestError, ErrorCode, string][] = [
  [new TaskError(ErrorCode.NETWORK, 'x'), ErrorCode.NETWORK, 'TaskError'],
  [
    new InvalidTaskError([{ path: 'url', message: 'required' }]),
    'INVALID_TASK',
    'InvalidTaskError',
  ],
  [new TaskTooLargeError(10, 5), 'TASK_TOO_LARGE', 'TaskTooLargeError'],
  [new RedisUnavailableError('down'), 'REDIS_UNAVAILABLE', 'RedisUnavailableError'],
  [new ConfigError('bad'), 'INVALID_CONFIG', 'ConfigError'],
  [new SealedDataError('bad box'), 'SEALED_DATA', 'SealedDataError'],
  [new FileNotFoundError('a.txt'), 'FILE_NOT_FOUND', 'FileNotFoundError'],
  [new FileTooLargeError('a.txt', 5), 'FILE_TOO_LARGE', 'FileTooLargeError'],
  [new FileChangedError('a.txt'), 'FILE_CHANGED', 'FileChangedError'],
  [new InvalidFileNameError('bad name'), 'INVALID_FILE_NAME', 'InvalidFileNameError'],
  [
    new InvalidScheduleError([{ path: 'cron', message: 'bad' }]),
    'INVALID_SCHEDULE',
    'InvalidScheduleError',
  ],
  [new ScheduleNotFoundError('nightly'), 'SCHEDULE_NOT_FOUND', 'ScheduleNotFoundError'],
  [
    new InvalidDestinationError([{ path: 'origin', message: 'bad' }]),
    'INVALID_DESTINATION',
    'InvalidDestinationError',
  ],
  [
    new DestinationNotFoundError('https://a.example:443'),
    'DESTINATION_NOT_FOUND',
    'DestinationNotFoundError',
  ],
  [
    new InvalidFlowKeyError([{ path: 'flow_key', message: 'bad' }]),
    'INVALID_FLOW_KEY',
    'InvalidFlowKeyError',
  ],
  [new FlowKeyNotFoundError('tenant-1'), 'FLOW_KEY_NOT_FOUND', 'FlowKeyNotFoundError'],
  [new ApiError(ErrorCode.NOT_FOUND, 'no execution 1'), 'NOT_FOUND', 'ApiError'],
  [
    new InvalidOptionsError([{ path: 'priority', message: 'expected 1 (highest) or more' }]),
    'INVALID_OPTIONS',
    'InvalidOptionsError',
  ],
  [new ExecutionNotFoundError('7', 'q'), 'EXECUTION_NOT_FOUND', 'ExecutionNotFoundError'],
  [new NotFailedError('7', 'completed'), 'NOT_FAILED', 'NotFailedError'],
  [new AlreadyFinishedError('7', 'failed'), 'ALREADY_FINISHED', 'AlreadyFinishedError'],
  [
    new ScheduledExecutionError('repeat:nightly:1', 'nightly', 'q'),
    'SCHEDULED_EXECUTION',
    'ScheduledExecutionError',
  ],
  [new UsageError('usage: taskrest status ID'), 'USAGE', 'UsageError'],
  [
    new DestinationDeniedError('169.254.169.254', 'cloud metadata'),
    'DESTINATION_DENIED',
    'DestinationDeniedError',
  ],
  [
    new TransportError(TransportErrorCode.TOTAL_TIMEOUT, 'total timeout', 1000),
    'TOTAL_TIMEOUT',
    'TransportError',
  ],
];

describe('one error model', () => {
  it.each(EVERY_ERROR)('%s has its code and name and is a TaskrestError', (error, code, name) => {
    expect(error).toBeInstanceOf(TaskrestError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(Object.values(ErrorCode)).toContain(error.code);
    expect(error.message).not.toBe('');
  });

  it('keeps the cause', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new RedisUnavailableError('down', { cause }).cause).toBe(cause);
    expect(new TaskError(ErrorCode.NETWORK, 'x', { cause }).cause).toBe(cause);
  });

  it('keeps the execution codes that outputs and logs carry, value for value', () => {
    const execution = [
      'INVALID_TASK',
      'CONNECT_TIMEOUT',
      'READ_TIMEOUT',
      'TOTAL_TIMEOUT',
      'NETWORK',
      'UNEXPECTED_STATUS',
      'TOO_MANY_REDIRECTS',
      'RESPONSE_TOO_LARGE',
      'TLS',
      'GRANT',
      'USER_TOKEN',
      'FILE_NOT_FOUND',
      'DESTINATION_DENIED',
      'DEADLINE_EXCEEDED',
      'ABORTED',
      'INTERNAL',
    ];
    for (const code of execution) expect(ErrorCode[code as keyof typeof ErrorCode]).toBe(code);
    // Every key is its own value: codes read the same in code and in data.
    for (const [key, value] of Object.entries(ErrorCode)) expect(value).toBe(key);
  });

  it('an InvalidTaskError and a DestinationDeniedError are execution failures (TaskError)', () => {
    expect(new InvalidTaskError([])).toBeInstanceOf(TaskError);
    expect(new DestinationDeniedError('x', 'y')).toBeInstanceOf(TaskError);
  });

  it('the errors index and the library export every error class of shared/errors and ErrorCode', () => {
    const dir = fileURLToPath(new URL('../../shared/errors/', import.meta.url));
    const classes = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [
        ...readFileSync(`${dir}${f}`, 'utf8').matchAll(/export (?:abstract )?class (\w+)/g),
      ])
      .map((m) => m[1]!);
    expect(classes.length).toBeGreaterThanOrEqual(11);
    for (const name of classes) {
      expect(errors, name).toHaveProperty(name);
      expect(library, name).toHaveProperty(name);
    }
    expect(library.ErrorCode).toBe(ErrorCode);
  });

  it('no error class of the product extends Error directly', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const offenders: string[] = [];
    for (const dir of ['shared', 'worker', 'producer', 'api', 'cli', 'bin']) {
      for (const file of readdirSync(`${root}${dir}`, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts')) continue;
        const text = readFileSync(`${root}${dir}/${file}`, 'utf8');
        for (const m of text.matchAll(/class (\w+) extends (\w+)/g)) {
          if (m[2] === 'Error' && m[1] !== 'TaskrestError')
            offenders.push(`${dir}/${file}: ${m[1]}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
