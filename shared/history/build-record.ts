import { destinationOf } from '../destination-origin.js';
import type { TaskOutput } from '../output.js';
import { redactUrl } from '../redact.js';
import { RECORD_TEXT_LIMIT, RecordState, type ExecutionRecord } from './execution-record.js';
import { scrubSecrets, taskSecrets } from './task-secrets.js';

/** What a record is made of: the job, its run, its output, and what the request was. */
export interface RecordSource {
  queue: string;
  executionId: number | string;
  run: number;
  output: TaskOutput;
  cancelled: boolean;
  /** The request's method and URL (the first hop); null when the task never got that far. */
  request: { method: string; url: URL } | null;
  attempts: number;
  /** Epoch ms. */
  enqueuedAt: number;
  startedAt: number | null;
  finishedAt: number;
  /** The task as the worker ran it, to scrub its credential values from every text kept. */
  task: unknown;
  flowKey?: string | undefined;
  schedule?: string | undefined;
  callbackExecutionId?: number | string | undefined;
  traceId?: string | undefined;
}

/**
 * The history record of an ended execution: the URL redacted, the output's
 * text capped, and every credential value of the task scrubbed from the
 * texts kept (a target may echo a request back).
 */
export function buildRecord(source: RecordSource): ExecutionRecord {
  const { output, request } = source;
  const secrets = taskSecrets(source.task);
  const scrub = (text: string) => (secrets.length === 0 ? text : scrubSecrets(text, secrets));
  const state = source.cancelled
    ? RecordState.CANCELLED
    : output.status === 'success'
      ? RecordState.COMPLETED
      : RecordState.FAILED;
  return {
    queue: source.queue,
    execution_id: source.executionId,
    run: source.run,
    state,
    method: request ? request.method.toUpperCase() : null,
    url: request ? scrub(redactUrl(request.url)) : null,
    origin: request ? destinationOf(request.url) : null,
    status_code: output.status_code,
    message: scrub(output.message),
    attempts: source.attempts,
    enqueued_at: new Date(source.enqueuedAt).toISOString(),
    started_at: source.startedAt === null ? null : new Date(source.startedAt).toISOString(),
    finished_at: new Date(source.finishedAt).toISOString(),
    duration_ms:
      source.startedAt === null ? null : Math.max(0, source.finishedAt - source.startedAt),
    ...(source.flowKey ? { flow_key: source.flowKey } : {}),
    ...(source.schedule ? { schedule: source.schedule } : {}),
    ...(source.callbackExecutionId !== undefined
      ? { callback_execution_id: source.callbackExecutionId }
      : {}),
    ...(source.traceId ? { trace_id: source.traceId } : {}),
    output: keptOutput(output, secrets),
  };
}

/**
 * The output as a record keeps it: `text` capped, no parsed `json`, and,
 * when the task has credentials, every text scrubbed of them (a task
 * without any, most of them, keeps its output's headers, cookies and log
 * as they are: no copy per header).
 */
function keptOutput(output: TaskOutput, secrets: readonly string[]): TaskOutput {
  const { json: _json, ...rest } = output;
  const capped =
    output.text !== null && output.text.length > RECORD_TEXT_LIMIT
      ? `${output.text.slice(0, RECORD_TEXT_LIMIT)}… [cut at ${RECORD_TEXT_LIMIT} characters]`
      : output.text;
  if (secrets.length === 0) return { ...rest, text: capped };
  const scrub = (text: string) => scrubSecrets(text, secrets);
  return {
    ...rest,
    message: scrub(output.message),
    text: capped === null ? null : scrub(capped),
    headers: Object.fromEntries(Object.entries(output.headers).map(([k, v]) => [k, scrub(v)])),
    cookies: Object.fromEntries(Object.entries(output.cookies).map(([k, v]) => [k, scrub(v)])),
    log: output.log.map(scrub),
  };
}
