import type { AxiosResponse } from 'axios';
import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { TaskError } from '../../../shared/errors/task-error.js';
import { classifyError, responseOf } from '../classify-error.js';
import type {
  AttemptOutcome,
  GateAnswer,
  GateAsk,
  GatePass,
  RequestGate,
} from '../request-gate.js';

/** Statuses that count against a destination's circuit unless the task expects them. */
const CIRCUIT_STATUSES = new Set([502, 503, 504]);

/** Failures without a response that count against the circuit: refused, reset, DNS, connect or read timeout. */
const CIRCUIT_CODES = new Set<string>([
  ErrorCode.NETWORK,
  ErrorCode.CONNECT_TIMEOUT,
  ErrorCode.READ_TIMEOUT,
]);

/**
 * One hop's way through the destinations' gate: what the gated adapter asks
 * before each request of the hop (its first attempt and every retry), and
 * how it tells the gate the request ended. Made per hop by the request's run,
 * which knows the origin, the flow key, the execution and what it expects.
 */
export class HopGate {
  readonly #gate: RequestGate;
  readonly #ask: GateAsk;
  readonly #expected: readonly number[];

  constructor(gate: RequestGate, ask: GateAsk, expected: readonly number[]) {
    this.#gate = gate;
    this.#ask = ask;
    this.#expected = expected;
  }

  /** The gate's answer for the next request of the hop (at once when no limit applies). */
  enter(): GateAnswer | Promise<GateAnswer> {
    return this.#gate.ask(this.#ask);
  }

  /** Tells the gate how the request `pass` let through ended: a response or what was thrown. */
  ended(pass: GatePass, response: AxiosResponse | null, thrown: unknown): void {
    pass.settle(response ? this.#responseOutcome(response) : this.#thrownOutcome(thrown));
  }

  #responseOutcome(response: AxiosResponse): AttemptOutcome {
    const failed =
      CIRCUIT_STATUSES.has(response.status) && !this.#expected.includes(response.status);
    return {
      status: response.status,
      headers: response.headers,
      failed,
      error: failed ? `HTTP ${response.status} ${response.statusText}`.trim() : null,
    };
  }

  #thrownOutcome(thrown: unknown): AttemptOutcome {
    // A retry status comes back as an AxiosError that carries its response.
    const response = responseOf(thrown);
    if (response) return this.#responseOutcome(response);
    const error = thrown instanceof TaskError ? thrown : classifyError(thrown);
    return {
      status: null,
      headers: null,
      failed: CIRCUIT_CODES.has(error.code),
      error: error.message,
    };
  }
}
