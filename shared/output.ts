/**
 * The output of an execution: exactly the connector's output keys. Written back onto
 * the BullMQ job (its return value when it completed; stored beside the job
 * when it failed, so it is as retrievable as a completed one).
 */
export interface TaskOutput {
  /** The job id; a number when the id is numeric. */
  execution_id: number | string;
  /** `success` when the final status code is in `expected_status_code`; `error` otherwise. */
  status: OutputStatus;
  /** What happened, in one line. */
  message: string;
  /** The final response's status code; null when no response came. */
  status_code: number | null;
  /** The final response's headers (lower-case names; credentials redacted). */
  headers: Record<string, string>;
  /** The decoded body; null when no response came. */
  text: string | null;
  /** The body parsed as JSON; absent when it does not parse. Never stored: readers add it (shared/output-json.ts). */
  json?: unknown;
  /** name → value from the responses' Set-Cookie headers. */
  cookies: Record<string, string>;
  /** The charset used to decode `text`; null when no response came. */
  encoding: string | null;
  /** One line per notable step; also in the job's BullMQ log unless the execution completed quickly. */
  log: string[];
}

export const OutputStatus = { SUCCESS: 'success', ERROR: 'error' } as const;
export type OutputStatus = (typeof OutputStatus)[keyof typeof OutputStatus];

/** `execution_id` from a BullMQ job id: numeric ids become numbers (as in the connector). */
export function executionIdOf(jobId: string | undefined): number | string {
  if (jobId && /^[1-9]\d{0,14}$/.test(jobId)) return Number(jobId);
  return jobId ?? '';
}
