import type { ExecutionRecord } from '../shared/history/execution-record.js';
import type { Logger } from '../shared/logger.js';

/**
 * `taskrest dev`'s info line per ended execution, made from its history
 * record (whose URL is already redacted: no user info, no credential-like
 * query values). On a terminal the line is one sentence a person reads at a
 * glance; elsewhere it is a JSON line whose fields a program reads.
 */
export function executionLines(
  logger: Logger,
  { pretty }: { pretty: boolean },
): (record: ExecutionRecord) => void {
  return pretty
    ? (record) => logger.info(sentenceOf(record))
    : (record) =>
        logger.info('execution finished', {
          queue: record.queue,
          id: record.execution_id,
          state: record.state,
          method: record.method,
          url: record.url,
          status_code: record.status_code,
          duration_ms: record.duration_ms,
        });
}

/**
 * `default #3 GET http://127.0.0.1:8080/items?token=[REDACTED] 200 in 12 ms`;
 * an execution that did not complete says how it ended and why.
 */
export function sentenceOf(record: ExecutionRecord): string {
  const execution = `${record.queue} #${record.execution_id}`;
  // Cancelled while it waited, or refused before it had a URL: nothing was sent.
  if (record.method === null)
    return `${execution} ${record.state} before any request: ${record.message}`;
  const status = record.status_code === null ? 'no response' : String(record.status_code);
  const took = record.duration_ms === null ? '' : ` in ${record.duration_ms} ms`;
  const ending = record.state === 'completed' ? '' : `, ${record.state}: ${record.message}`;
  return `${execution} ${record.method} ${record.url} ${status}${took}${ending}`;
}
