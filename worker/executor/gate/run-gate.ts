import type { AxiosRequestConfig } from 'axios';
import { destinationOf } from '../../../shared/destination-origin.js';
import { holderOf } from '../../../shared/destinations/gate-keys.js';
import type { Task } from '../../../shared/task-schema.js';
import type { ExecutionContext } from '../execution-context.js';
import type { ExecutionLog } from '../execution-log.js';
import type { ParkResult } from '../execution-result.js';
import type { Hop } from '../follow-redirects.js';
import type { RequestGate } from '../request-gate.js';
import type { GateHeldError } from './gate-held-error.js';
import { heldPark, heldUntil, waitHeld, type HeldSoFar } from './held-execution.js';
import { HopGate } from './hop-gate.js';

/** Where a held request stands in its run, for the decision to park or wait. */
export interface HeldAt {
  readonly task: Task;
  /** When the execution's first attempt started (its deadline counts from there). */
  readonly firstAttemptAt: number;
  /** Whether the run may park (the worker's, on its first hop). */
  readonly canPark: boolean;
  readonly now: number;
  readonly log: ExecutionLog;
  readonly signal: AxiosRequestConfig['signal'];
}

/**
 * One execution's dealings with the destinations' gate: the gate of each of
 * its hops (asked by the gated adapter before every request), and what
 * happens when a request is held: the run parks (first hop) or waits in the
 * slot (a redirect's hop), or fails when the hold outlasts the deadline.
 */
export class RunGate {
  readonly #gate: RequestGate;
  readonly #holder: string;
  readonly #flowKey: string | undefined;
  #hopGate: HopGate | undefined;
  #gatedHop: Hop | null = null;
  /** The hold that parks the run, until when, and the retry it owes. */
  #parking: { held: GateHeldError; until: number; dueRetry: number } | null = null;

  constructor(gate: RequestGate, context: ExecutionContext) {
    this.#gate = gate;
    this.#holder = holderOf(context.queue ?? '', String(context.executionId));
    this.#flowKey = context.flowKey;
  }

  /** The gate of `hop` (made once per hop: its retries ask through the same one). */
  of(task: Task, hop: Hop): HopGate {
    if (this.#gatedHop !== hop || !this.#hopGate) {
      this.#hopGate = new HopGate(
        this.#gate,
        { origin: destinationOf(hop.url), flowKey: this.#flowKey, holder: this.#holder },
        task.expected_status_code,
      );
      this.#gatedHop = hop;
    }
    return this.#hopGate;
  }

  /**
   * A request was held. Parking: remembered, and `held` thrown on to end the
   * run (see `parked`). Otherwise the hold is waited out in the slot and the
   * caller sends the request again. Past the deadline: DEADLINE_EXCEEDED.
   */
  async hold(held: GateHeldError, at: HeldAt): Promise<void> {
    const until = heldUntil(held.hold, at.firstAttemptAt, at.task.retry_backoff.deadline, at.now);
    if (at.canPark) {
      this.#parking = { held, until, dueRetry: held.dueRetry };
      throw held;
    }
    await waitHeld(held.hold, until, at.now, at.log, at.signal);
  }

  /** The ParkResult of the run a hold parked, or null when none did. */
  parked(soFar: HeldSoFar): ParkResult | null {
    if (!this.#parking) return null;
    const { held, until, dueRetry } = this.#parking;
    return heldPark(held.hold, until, dueRetry, soFar);
  }
}
