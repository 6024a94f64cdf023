import type { TaskOutput } from './output.js';

/** BullMQ's job states, as taskrest reports them. */
export const ExecutionState = {
  WAITING: 'waiting',
  DELAYED: 'delayed',
  PRIORITIZED: 'prioritized',
  ACTIVE: 'active',
  COMPLETED: 'completed',
  FAILED: 'failed',
  WAITING_CHILDREN: 'waiting-children',
  UNKNOWN: 'unknown',
} as const;
export type ExecutionState = (typeof ExecutionState)[keyof typeof ExecutionState];

/** An execution as callers see it: `taskrest status`, `GET /api/tasks/:id`, `getExecution`. */
export interface Execution {
  execution_id: number | string;
  /** The queue it belongs to (execution ids are unique within a queue). */
  queue: string;
  state: ExecutionState;
  /** Present once the execution finished (completed or failed). */
  output?: TaskOutput;
  /** The execution that delivers this one's callback (enqueued with `callback`), in the same queue. */
  callback_execution_id?: number | string;
}

export function isFinished(state: ExecutionState): boolean {
  return state === ExecutionState.COMPLETED || state === ExecutionState.FAILED;
}
