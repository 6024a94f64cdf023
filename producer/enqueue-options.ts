import type { JobsOptions } from 'bullmq';
import type { TaskInput } from '../shared/task-schema.js';
import type { TraceCarrier } from '../shared/tracing/trace-carrier.js';
import type { JobTiming } from './job-timing.js';

/**
 * Options of `enqueue` and `enqueueBulk`: BullMQ job options a producer may
 * pass through, the timing options, and taskrest's own. Every option is
 * optional.
 * @see https://docs.bullmq.io/guide/jobs
 */
export type EnqueueOptions = Pick<
  JobsOptions,
  'jobId' | 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail' | 'lifo'
> &
  JobTiming & {
    /** The queue to enqueue to (created when it does not exist). @defaultValue the producer's `queue` */
    queue?: string;
    /** Who enqueues (the API's bearer token holder): the user of `pass_user_token` tokens. */
    user?: string;
    /**
     * The W3C trace context the execution continues (the worker's spans are its
     * children, the target gets it as `traceparent`). Default: the active
     * OpenTelemetry context's span, when there is one.
     */
    traceContext?: TraceCarrier;
    /**
     * An http(s) URL that taskrest POSTs the signed result to once the
     * execution ended (completed or failed, after all its retries), as an
     * execution of its own: see docs/callbacks.md. With it, an execution
     * without `jobId` gets a UUID as its id.
     */
    callback?: string;
    /** The flow key the execution is enqueued under (a tenant, an API account): in its history record. */
    flowKey?: string;
  };

/** A task of a bulk with options of its own (over the bulk's). */
export interface BulkItem extends JobTiming {
  task: TaskInput;
  /** As `enqueue`'s: the execution id; a known one returns its execution. */
  jobId?: string;
  /** As `enqueue`'s: where the signed result is POSTed once the execution ended. */
  callback?: string;
  /** As `enqueue`'s (over the bulk's). */
  flowKey?: string;
}
