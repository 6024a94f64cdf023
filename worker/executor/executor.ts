import type { ExecutionContext } from './execution-context.js';
import type { ExecutionResult, ParkResult } from './execution-result.js';
import type { ExecutorDeps, ParkingExecutorDeps } from './executor-deps.js';
import type { ParkRules } from './retry-policy.js';
import { RequestRun } from './request-run.js';

export type { ExecutionContext } from './execution-context.js';
export {
  isParked,
  type ExecutionCounts,
  type ExecutionResult,
  type ParkResult,
} from './execution-result.js';
export type { Authorizer, Credentials } from './credentials.js';
export type { ExecutorDeps, ParkingExecutorDeps } from './executor-deps.js';

/**
 * Runs one task: validates it, sends its request (retries and redirects
 * included) and turns what happened into an output. Never throws: every
 * failure becomes an output with status `error` and a one-line message.
 * With `deps.parking`, a retry wait too long for the worker slot ends the
 * run early with a ParkResult instead; `context.resume` goes on with it.
 * Each call is one RequestRun (request-run.ts).
 */
export function executeTask(
  input: unknown,
  context: ExecutionContext,
  deps: ParkingExecutorDeps,
): Promise<ExecutionResult | ParkResult>;
export function executeTask(
  input: unknown,
  context: ExecutionContext,
  deps: ExecutorDeps,
): Promise<ExecutionResult>;
export function executeTask(
  input: unknown,
  context: ExecutionContext,
  deps: ExecutorDeps & { parking?: ParkRules },
): Promise<ExecutionResult | ParkResult> {
  // The run's constructor only sets up its state (nothing there fails): the promise is the whole execution.
  return new RequestRun(context, deps).execute(input);
}
