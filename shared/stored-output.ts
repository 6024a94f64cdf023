import { STATUS_CODES } from 'node:http';
import { jsonOfText } from './output-json.js';
import { executionIdOf, type TaskOutput } from './output.js';

/**
 * An output as the worker stores it: a completed job's BullMQ return value
 * (kept twice by BullMQ: in the job's hash and in the `completed` event of
 * the queue's events stream), a failed job's `taskrestOutput` field. Left
 * out is what a reader can make again exactly, so that no byte is kept for
 * it:
 *
 * - `execution_id`: it is the job's id;
 * - `json`: it is `text` parsed (shared/output-json.ts);
 * - `cookies` when there are none;
 * - `message` when it is the standard one for the status code
 *   (`HTTP 200 OK`), the message of almost every execution that got the
 *   status it expected.
 *
 * Every reader (library, API, CLI, dashboard, callbacks) makes the output
 * whole with `wholeOutput`; an output stored whole (by an earlier worker)
 * reads the same. Measured with `npm run bench`: see docs/performance.md.
 */
export type StoredOutput = Omit<TaskOutput, 'execution_id' | 'json' | 'message' | 'cookies'> & {
  execution_id?: TaskOutput['execution_id'];
  message?: string;
  cookies?: Record<string, string>;
};

/** The message an execution with this final status code gets when it was expected (and the reason phrase standard). */
function standardMessage(statusCode: number | null): string | undefined {
  if (statusCode === null) return undefined;
  const reason = STATUS_CODES[statusCode];
  return reason === undefined ? undefined : `HTTP ${statusCode} ${reason}`;
}

/** The output with what `wholeOutput` makes again left out. */
export function storedOutput(output: TaskOutput): StoredOutput {
  const { execution_id: _id, json: _json, message, cookies, ...rest } = output;
  return {
    status: rest.status,
    ...(message === standardMessage(rest.status_code) ? {} : { message }),
    status_code: rest.status_code,
    headers: rest.headers,
    text: rest.text,
    ...(Object.keys(cookies).length === 0 ? {} : { cookies }),
    encoding: rest.encoding,
    log: rest.log,
  };
}

/** A stored output made whole again, in the connector's key order; `jobId` is its job's id. */
export function wholeOutput(stored: StoredOutput, jobId: string | undefined): TaskOutput {
  const { json } = jsonOfText(stored.text);
  return {
    execution_id: stored.execution_id ?? executionIdOf(jobId),
    status: stored.status,
    message: stored.message ?? standardMessage(stored.status_code) ?? '',
    status_code: stored.status_code,
    headers: stored.headers,
    text: stored.text,
    ...(json === undefined ? {} : { json }),
    cookies: stored.cookies ?? {},
    encoding: stored.encoding,
    log: stored.log,
  };
}

/** Whether a value is an output as a taskrest worker stores it (a job written by someone else may return anything). */
export function isStoredOutput(value: unknown): value is StoredOutput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    (record.status === 'success' || record.status === 'error') &&
    (typeof record.text === 'string' || record.text === null) &&
    Array.isArray(record.log)
  );
}
