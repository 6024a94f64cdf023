import type { TraceCarrier } from './tracing/trace-carrier.js';
import type { ParkedExecution } from './parked-execution.js';

/**
 * What a job's data holds: the task, exactly as a producer wrote it, plus an
 * optional reserved key with what taskrest itself needs to carry along (who
 * enqueued it, sealed secrets). Any BullMQ producer may enqueue a bare task;
 * the reserved key is never a task input.
 */
export const META_KEY = '$taskrest';

export interface JobMeta {
  /** Who started the execution (library option, CLI flag, or the API caller), for pass_user_token. */
  user?: string;
  /** Sensitive inputs sealed with TASKREST_SECRET_KEY (see shared/secrets). */
  sealed?: unknown;
  /** The W3C trace context the execution continues (API `traceparent` header, the library's active span). */
  trace?: TraceCarrier;
  /** Set while the execution waits for a retry as a delayed job (see parked-execution.ts). */
  parked?: ParkedExecution;
  /** On a callback's job: the id of the execution whose result it delivers (see callback.ts). */
  callbackOf?: string;
}

/** Splits job data into the task and taskrest's own metadata. */
export function splitJobData(data: unknown): { task: unknown; meta: JobMeta } {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !(META_KEY in data)) {
    return { task: data, meta: {} };
  }
  const { [META_KEY]: meta, ...task } = data as Record<string, unknown>;
  return { task, meta: isObject(meta) ? (meta as JobMeta) : {} };
}

/** Job data for a task and its metadata (the bare task when there is none). */
export function joinJobData(task: object, meta: JobMeta): object {
  const present = Object.entries(meta).filter(([, v]) => v !== undefined);
  return present.length === 0 ? task : { ...task, [META_KEY]: Object.fromEntries(present) };
}

/**
 * The job's data with `parked` as its parked execution: the task and the
 * other metadata stay exactly as they were.
 */
export function withParkedExecution(data: unknown, parked: ParkedExecution): object {
  const { task, meta } = splitJobData(data);
  const bare = task !== null && typeof task === 'object' ? task : {};
  return joinJobData(bare, { ...meta, parked });
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
