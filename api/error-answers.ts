import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_TABLE, ErrorCode, type ApiAnswer } from '../shared/errors/error-codes.js';
import { OutcomeUnknownError } from '../shared/errors/outcome-unknown-error.js';
import { TaskrestError } from '../shared/errors/taskrest-error.js';
import { ValidationError } from '../shared/errors/validation-error.js';
import type { Logger } from '../shared/logger.js';
import { asRedisUnavailable } from '../shared/redis-connection.js';

/** An error body of the API: a stable `error` word, and a sentence for people. */
export interface ApiErrorBody {
  error: string;
  message?: string;
  issues?: { path: string; message: string }[];
  /** With "outcome unknown": the execution id the write used, when the caller chose it. */
  execution_id?: string;
}

/**
 * The HTTP status and the body's `error` word of each error code the API
 * answers with (the error table's `api` column); any other code is a 500.
 */
export const ERROR_ANSWERS: Readonly<Partial<Record<ErrorCode, ApiAnswer>>> = Object.fromEntries(
  Object.entries(ERROR_TABLE).flatMap(([code, { api }]): [string, ApiAnswer][] =>
    api ? [[code, api]] : [],
  ),
);

/** Fastify's own client errors (bad JSON, wrong content type, body over the limit) by their codes. */
function fromFastify(error: unknown): unknown {
  const { code, message, statusCode } = error as Partial<FastifyError>;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new TaskrestError(ErrorCode.BODY_TOO_LARGE, message ?? '', { cause: error });
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const message = 'send the body as application/json (a file upload takes any type)';
    return new TaskrestError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message, { cause: error });
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new TaskrestError(ErrorCode.BAD_REQUEST, message ?? '', { cause: error });
  }
  return error;
}

/** The status and body for an error thrown by a route: looked up by its code, never its text. */
export function toApiError(thrown: unknown): { statusCode: number; body: ApiErrorBody } {
  const error = thrown instanceof TaskrestError ? thrown : fromFastify(asRedisUnavailable(thrown));
  const answer = error instanceof TaskrestError ? ERROR_ANSWERS[error.code] : undefined;
  if (!(error instanceof TaskrestError) || !answer) {
    return { statusCode: 500, body: { error: 'internal error' } };
  }
  if (error instanceof ValidationError) {
    return { statusCode: answer.status, body: { error: answer.error, issues: [...error.issues] } };
  }
  if (error instanceof OutcomeUnknownError) {
    const known = error.executionId !== undefined;
    const message = `Redis did not answer after the task was sent: it may or may not be stored. ${
      known
        ? 'A retry with the same Idempotency-Key never makes a second execution'
        : 'Send an Idempotency-Key to make a retry safe'
    }`;
    return {
      statusCode: answer.status,
      body: { error: answer.error, message, ...(known ? { execution_id: error.executionId } : {}) },
    };
  }
  if (error.code === ErrorCode.REDIS_UNAVAILABLE) {
    // Which connection failed how is for the logs of Redis, not for the API's callers.
    const message = 'Redis does not answer; nothing was stored';
    return { statusCode: answer.status, body: { error: answer.error, message } };
  }
  return { statusCode: answer.status, body: { error: answer.error, message: error.message } };
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
