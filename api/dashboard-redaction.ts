import type { AfterHook } from '@bull-board/api/dist/types.js';
import { META_KEY, splitJobData } from '../shared/job-envelope.js';
import { executionIdOf } from '../shared/output.js';
import { isStoredOutput, wholeOutput } from '../shared/stored-output.js';
import { REDACTED, redactHeaders, redactTask, redactUrl } from '../shared/redact.js';

/**
 * What the dashboard shows of a job, made safe. Job data, outputs and log
 * lines are redacted by the worker already; this is a second line for jobs
 * written by others and for anything that slips through: credentials never
 * reach an operator's screen.
 */

/** The `data` formatter: the task redacted, and who enqueued it (sealed secrets left out). */
export function redactJobData(data: unknown): unknown {
  const { task, meta } = splitJobData(data);
  const shown = redactTask(task);
  return meta.user === undefined || !isRecord(shown)
    ? shown
    : { ...shown, [META_KEY]: { user: meta.user } };
}

/**
 * The `returnValue` formatter: the whole output (made whole again, see
 * shared/stored-output.ts; its `execution_id` is set from the job's id by
 * `redactBoardResponse`, the formatter sees no job) with credential
 * headers, cookie values and log lines redacted.
 */
export function redactOutput(output: unknown): unknown {
  if (!isRecord(output)) return output;
  const shown: Record<string, unknown> = {
    ...(isStoredOutput(output) ? wholeOutput(output, undefined) : output),
  };
  if (isRecord(shown.headers)) shown.headers = redactHeaders(shown.headers);
  if (isRecord(shown.cookies)) {
    shown.cookies = Object.fromEntries(Object.keys(shown.cookies).map((k) => [k, REDACTED]));
  }
  if (typeof shown.message === 'string') shown.message = redactText(shown.message);
  if (Array.isArray(shown.log)) shown.log = shown.log.map((l) => redactText(String(l)));
  return shown;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]+/gi;
const CREDENTIAL_IN_TEXT =
  /\b((?:proxy-)?authorization|cookie|set-cookie|[\w-]*(?:token|secret|password|passwd|api[-_]?key)[\w-]*)(["']?\s*[:=]\s*["']?)((?:bearer|basic|digest|token)\s+)?[^\s"',;]+/gi;

/** Free text (log lines, failure reasons) with URL credentials and `name: value` credentials replaced. */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(
      CREDENTIAL_IN_TEXT,
      (_all, name: string, sep: string, scheme: string | undefined) =>
        `${name}${sep}${scheme ?? ''}${REDACTED}`,
    );
}

/**
 * bull-board's `after` hook: what its formatters cannot reach (a failed job's
 * reason and stack trace, job logs) redacted in every API answer that has them.
 */
export const redactBoardResponse: AfterHook = (context, result) => {
  const body = result.body as unknown;
  if (context.route.endsWith('/logs') && Array.isArray(body)) {
    return { ...result, body: body.map((line) => redactText(String(line))) };
  }
  if (isRecord(body)) {
    if (isRecord(body.job)) redactJobFields(body.job);
    if (Array.isArray(body.queues)) {
      for (const queue of body.queues) {
        if (isRecord(queue) && Array.isArray(queue.jobs)) {
          for (const job of queue.jobs) if (isRecord(job)) redactJobFields(job);
        }
      }
    }
  }
  return result;
};

/** What the formatters cannot do for a job: its output's execution id back, its failure redacted. */
function redactJobFields(job: Record<string, unknown>): void {
  // An output stored without its execution id (the job's id): given back here.
  const id = job.id;
  if (isRecord(job.returnValue) && job.returnValue.execution_id === '') {
    if (typeof id === 'string' || typeof id === 'number') {
      job.returnValue.execution_id = executionIdOf(String(id));
    }
  }
  if (typeof job.failedReason === 'string') job.failedReason = redactText(job.failedReason);
  if (Array.isArray(job.stacktrace))
    job.stacktrace = job.stacktrace.map((l) => redactText(String(l)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
