import type { AxiosInstance } from 'axios';
import type { Authorizer } from './credentials.js';
import type { FileSource } from './request/request-body.js';
import type { RequestGate } from './request-gate.js';
import type { ParkRules } from './retry-policy.js';

/** What the executor works with; the worker hands in the real ones, unit tests fakes. */
export interface ExecutorDeps {
  /** The axios instance (undici adapter, axios-retry attached). */
  readonly http: Pick<AxiosInstance, 'request'>;
  /** The files resource, for multipart file parts. */
  readonly files: FileSource;
  /** Response body limit, after decompression. */
  readonly maxResponseBytes: number;
  /**
   * The outbound policy's check of a hop's URL, run before every hop is sent
   * (IP literals never reach the connect-time DNS check). Throws a TaskError
   * (DESTINATION_DENIED) to refuse. Absent: every destination is allowed.
   */
  readonly checkDestination?: (url: URL) => void;
  /**
   * The destinations' gate, asked before every request sent (each attempt,
   * each redirect hop). Absent: every request goes at once.
   */
  readonly gate?: RequestGate;
  /** Credentials for `grant` and `pass_user_token`; without it such tasks fail. */
  readonly authorize?: Authorizer;
  /**
   * How long one execution may run at a stretch (TASKREST_MAX_TASK_SECONDS),
   * in ms: past it, what is in flight is cut and the execution fails
   * (TASK_TIME_LIMIT). Absent: no limit but the task's own.
   */
  readonly timeLimitMs?: number;
  /** The clock (epoch ms). @defaultValue `Date.now` */
  readonly now?: () => number;
}

/** The executor's dependencies when long retry waits park the execution (the worker's). */
export interface ParkingExecutorDeps extends ExecutorDeps {
  readonly parking: ParkRules;
}
