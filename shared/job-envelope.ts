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
  /**
   * Set when someone cancelled the execution while it was active: a worker
   * that takes the job up again (its first worker died) ends it at once.
   */
  cancelled?: CancelMark;
  /** On a callback's job: the id of the execution whose result it delivers (see callback.ts). */
  callbackOf?: string;
  /** Which run of the execution this is: 1 (absent) for the first, each replay adds one. */
  run?: number;
  /** The flow key the execution was enqueued under (the history lists by it). */
  flowKey?: string;
}

/** Who cancelled an execution, and when (epoch ms). */
export interface CancelMark {
  by: string;
  at: number;
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
  return joinJobData(bareTask(task), { ...meta, parked });
}

/** The job's data marked as cancelled by `by`: a worker taking it up ends it without sending. */
export function withCancelMark(data: unknown, cancelled: CancelMark): object {
  const { task, meta } = splitJobData(data);
  return joinJobData(bareTask(task), { ...meta, cancelled });
}

/**
 * The job's data for running it again from the start: the task and who
 * enqueued it stay; a parked execution's state and a cancel mark go.
 */
export function forReplay(data: unknown): object {
  const { task, meta } = splitJobData(data);
  const { parked: _parked, cancelled: _cancelled, ...kept } = meta;
  return joinJobData(bareTask(task), kept);
}

/** The cancel mark of a job's data, if it has one. */
export function cancelMarkOf(data: unknown): CancelMark | undefined {
  const { cancelled } = splitJobData(data).meta;
  return cancelled && typeof cancelled.by === 'string' ? cancelled : undefined;
}

function bareTask(task: unknown): object {
  return task !== null && typeof task === 'object' ? task : {};
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
