import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidTaskError } from '../shared/errors/invalid-task-error.js';
import { OutcomeUnknownError } from '../shared/errors/outcome-unknown-error.js';
import { RedisUnavailableError } from '../shared/errors/redis-unavailable-error.js';
import { TaskTooLargeError } from '../shared/errors/task-too-large-error.js';
import type { Logger } from '../shared/logger.js';

/** An error body of the API: a stable `error` word, and a sentence for people. */
export interface ApiErrorBody {
  error: string;
  message?: string;
  issues?: { path: string; message: string }[];
  /** With "outcome unknown": the execution id the write used, when the caller chose it. */
  execution_id?: string;
}

/** An answer a route decides on itself (404, 409, a bad header). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message ?? body.error);
  }
}

/** What ioredis says when a command meets a connection that is down. */
const REDIS_DOWN =
  /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Command timed out|MaxRetriesPerRequest|Reached the max retries/i;

/** The status and body for an error thrown by a route. */
export function toApiError(error: unknown): { statusCode: number; body: ApiErrorBody } {
  if (error instanceof ApiError) return { statusCode: error.statusCode, body: error.body };
  if (error instanceof InvalidTaskError) {
    return { statusCode: 400, body: { error: 'invalid task', issues: [...error.issues] } };
  }
  if (error instanceof TaskTooLargeError) {
    return { statusCode: 413, body: { error: 'task too large', message: error.message } };
  }
  if (error instanceof OutcomeUnknownError) {
    const known = error.executionId !== undefined;
    return {
      statusCode: 503,
      body: {
        error: 'outcome unknown',
        message: known
          ? 'Redis did not answer after the task was sent: it may or may not be stored. A retry with the same Idempotency-Key never makes a second execution'
          : 'Redis did not answer after the task was sent: it may or may not be stored. Send an Idempotency-Key to make a retry safe',
        ...(known ? { execution_id: error.executionId } : {}),
      },
    };
  }
  const { code, message, statusCode } = error as Partial<FastifyError>;
  if (error instanceof RedisUnavailableError || REDIS_DOWN.test(message ?? '')) {
    return {
      statusCode: 503,
      body: { error: 'redis unavailable', message: 'Redis does not answer; nothing was stored' },
    };
  }
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { statusCode: 413, body: { error: 'body too large', message: message ?? '' } };
    case 'FILE_TOO_LARGE':
      return { statusCode: 413, body: { error: 'file too large', message: message ?? '' } };
    case 'INVALID_FILE_NAME':
      return { statusCode: 400, body: { error: 'invalid file name', message: message ?? '' } };
    case 'FILE_NOT_FOUND':
      return { statusCode: 404, body: { error: 'not found', message: message ?? '' } };
    case 'FILE_CHANGED':
      return { statusCode: 409, body: { error: 'file changed', message: message ?? '' } };
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    // Fastify's own client errors: bad JSON, wrong content type, bad query.
    return { statusCode, body: { error: 'bad request', message: message ?? '' } };
  }
  return { statusCode: 500, body: { error: 'internal error' } };
}

/** The API's error handler: known errors become their status; others a 500 that says nothing inside. */
export function apiErrorHandler(logger: Logger) {
  return async (error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { statusCode, body } = toApiError(error);
    if (statusCode >= 500 && statusCode !== 503) {
      logger.error('request failed', {
        method: request.method,
        route: request.routeOptions.url,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    await reply.code(statusCode).send(body);
  };
}
