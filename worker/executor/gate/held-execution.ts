import { setTimeout as sleep } from 'node:timers/promises';
import type { GenericAbortSignal } from 'axios';
import { HoldReason } from '../../../shared/destinations/gate-keys.js';
import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { TaskError } from '../../../shared/errors/task-error.js';
import { statusClassOf } from '../../../shared/worker-metrics.js';
import type { ExecutionLog } from '../execution-log.js';
import type { ParkResult } from '../execution-result.js';
import type { ExecutionSoFar } from '../parking.js';
import type { GateHold } from '../request-gate.js';

/**
 * Holds that end when something happens (a slot frees, a probe answers, an
 * operator resumes) rather than at a known time: their `until` is only the
 * latest wake-up, so such a hold past the deadline waits up to the deadline
 * (something may release it sooner) instead of failing at once.
 */
const WAKING_HOLDS = new Set<string>([
  HoldReason.PAUSED,
  HoldReason.CIRCUIT_HALF_OPEN,
  HoldReason.CONCURRENCY,
  HoldReason.FLOW_KEY_PAUSED,
  HoldReason.FLOW_KEY_CONCURRENCY,
]);

/** The longest a held redirect hop sleeps before it asks the gate again (a wake-up cannot reach it). */
const INLINE_RECHECK_MS = 1000;

/**
 * When a held execution asks again: the hold's `until`, or for a waking hold
 * past the deadline just after the deadline (taken up then, it ends failed).
 * Throws DEADLINE_EXCEEDED when a hold of known length ends past the deadline:
 * no retry could start in time, so the execution ends now, saying why.
 */
export function heldUntil(
  hold: GateHold,
  firstAttemptAt: number,
  deadlineSeconds: number,
  now: number,
): number {
  const deadlineAt = firstAttemptAt + deadlineSeconds * 1000;
  if (hold.until <= deadlineAt) return hold.until;
  if (WAKING_HOLDS.has(hold.reason)) return deadlineAt + 1;
  throw new TaskError(
    ErrorCode.DEADLINE_EXCEEDED,
    `gave up after ${((now - firstAttemptAt) / 1000).toFixed(1)} s: ${hold.message} until ` +
      `${new Date(hold.until).toISOString()}, past retry_backoff.deadline (${deadlineSeconds} s)`,
  );
}

/** What a held execution's park keeps: the execution so far, and the response it was retrying (if any). */
export type HeldSoFar = ExecutionSoFar & { readonly response: ParkResult['parked']['response'] };

/**
 * The ParkResult of an execution the gate held: parked until `until`, the
 * request that was held still to be sent (`dueRetry`: its retry number, 0 for
 * the first attempt), no attempt used. Its log says why and until when.
 */
export function heldPark(
  hold: GateHold,
  until: number,
  dueRetry: number,
  soFar: HeldSoFar,
): ParkResult {
  soFar.log.add(
    `held until ${new Date(until).toISOString()}: ${hold.message}: ` +
      'parked, the worker slot freed (no attempt used)',
  );
  return {
    parked: {
      firstAttemptAt: soFar.firstAttemptAt,
      dueAt: until,
      retry: dueRetry,
      attempts: soFar.attempts,
      retries: soFar.retries,
      log: [...soFar.log.lines],
      lastFailure: hold.message,
      response: soFar.response,
    },
    held: hold.reason,
    counts: {
      attempts: soFar.attempts,
      retries: soFar.retries,
      statusClass: statusClassOf(soFar.response?.status_code ?? null),
    },
  };
}

/**
 * A held request that cannot be parked (a redirect's hop: its target is not
 * carried over) waits in the worker slot, then asks again. A waking hold is
 * asked again every second, as a wake-up cannot reach a running job.
 */
export async function waitHeld(
  hold: GateHold,
  until: number,
  now: number,
  log: ExecutionLog,
  signal: GenericAbortSignal | undefined,
): Promise<void> {
  const waitMs = WAKING_HOLDS.has(hold.reason)
    ? Math.min(INLINE_RECHECK_MS, until - now)
    : until - now;
  log.add(`held for ${(waitMs / 1000).toFixed(1)} s: ${hold.message}: waiting in the worker slot`);
  await sleep(Math.max(0, waitMs), undefined, {
    ...(signal ? { signal: signal as AbortSignal } : {}),
  });
}
