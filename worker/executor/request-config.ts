import type { AxiosRequestConfig, GenericAbortSignal } from 'axios';
import type { IAxiosRetryConfig } from 'axios-retry';
import type { Task } from '../../shared/task-schema.js';
import type { ExecutionContext } from './execution-context.js';
import type { Hop } from './follow-redirects.js';
import type { HopGate } from './gate/hop-gate.js';
import type { RequestBody } from './request/request-body.js';
import { transportOptions } from './timeouts.js';

/** What one request of a run is sent with, besides its hop. */
export interface RequestParts {
  readonly task: Task;
  readonly context: ExecutionContext;
  readonly headers: Record<string, string>;
  readonly body: RequestBody | null;
  /** The run's signal: its time limit's, or the caller's. */
  readonly signal: GenericAbortSignal | undefined;
  readonly maxResponseBytes: number;
  readonly validateStatus: ((status: number) => boolean) | undefined;
  readonly retry: IAxiosRetryConfig | undefined;
  /** The destinations' gate of the hop (absent: no gate). */
  readonly hopGate: HopGate | undefined;
}

/** The axios config of one hop's request: its transport options, retries, trace and gate. */
export function requestConfigOf(hop: Hop, parts: RequestParts): AxiosRequestConfig {
  const { traceContext, keepResponseBytes } = parts.context;
  return {
    url: hop.url.toString(),
    method: hop.method,
    headers: parts.headers,
    data: parts.body?.create(),
    signal: parts.signal,
    taskrest: transportOptions(parts.task, parts.maxResponseBytes, keepResponseBytes),
    validateStatus: parts.validateStatus,
    'axios-retry': parts.retry,
    ...(traceContext ? { traceContext } : {}),
    ...(parts.hopGate ? { hopGate: parts.hopGate } : {}),
  };
}
