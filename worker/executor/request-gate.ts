/**
 * The destinations' gate as the executor sees it: asked before every
 * request actually sent (the first request of each attempt, each retry,
 * each redirect hop), told how the request ended. The worker hands in the
 * real one (worker/runtime/gate/), backed by Redis and shared by every
 * worker; absent, every request is sent at once.
 */

/** What a request asks the gate. */
export interface GateAsk {
  /** The request's destination, `scheme://host:port` (destinationOf). */
  readonly origin: string;
  /** The flow key the execution was enqueued under, if any. */
  readonly flowKey: string | undefined;
  /** The execution (`<queue>\n<execution id>`, holderOf): it holds leases, it is woken. */
  readonly holder: string;
}

/** The request may go: settle it once it ended, whatever happened. */
export interface GatePass {
  readonly admitted: true;
  /** How the request ended; called exactly once. Never throws, never waits. */
  settle(outcome: AttemptOutcome): void;
}

/** Not now: the execution is held until `until` (epoch ms), why in `reason` and `message`. */
export interface GateHold {
  readonly admitted: false;
  /** When to ask again. For a hold that waits for a slot, a probe or a resume, the latest: a wake-up may come sooner. */
  readonly until: number;
  /** A HoldReason (shared/destinations/gate-keys.ts): the held metrics' label. */
  readonly reason: string;
  /** For people, the log's line: "destination http://127.0.0.1:8080 held by its Retry-After". */
  readonly message: string;
}

export type GateAnswer = GatePass | GateHold;

/** How a request ended, as the gate needs it. */
export interface AttemptOutcome {
  /** The response's status; null when none came. */
  readonly status: number | null;
  /** The response's headers (lower-case names, as axios gives them); null when none came. */
  readonly headers: Readonly<Record<string, unknown>> | null;
  /**
   * True when the attempt counts against the destination's circuit: refused
   * or reset, DNS failure, connect or read timeout, or 502/503/504 not in the
   * task's `expected_status_code`.
   */
  readonly failed: boolean;
  /** A short description of a failure ("HTTP 503 Service Unavailable", "connection refused"): no URL, no secret. */
  readonly error: string | null;
}

/** The gate: each request asks it; the answer may come at once (no limit met) or after one Redis round trip. */
export interface RequestGate {
  ask(ask: GateAsk): GateAnswer | Promise<GateAnswer>;
}
