import type { RedisClient } from '../../shared/redis-connection.js';
import { RedisPing } from '../../shared/redis-ping.js';

/** The part of a BullMQ Worker (or a WorkerGroup) that health listens to. */
export interface HealthEvents {
  on(event: 'ready' | 'active' | 'drained' | 'completed' | 'failed', listener: () => void): unknown;
  isRunning(): boolean;
}

/** What `/readyz` reports. */
export interface Readiness {
  /** True when the worker is consuming: connected, running, and Redis answers now. */
  readonly ready: boolean;
  /** Why it is not ready; absent when ready. */
  readonly reason?: string;
  /** The worker's Redis connection state (`ready`, `reconnecting`, …). */
  readonly redis: string;
  /** Jobs running in this process now. */
  readonly activeJobs: number;
  /** Executions this process finished (completed or failed) since it started. */
  readonly finishedJobs: number;
  /** Milliseconds since the worker last heard from Redis (a PING answer or a job event). */
  readonly sinceHeartbeatMs: number | null;
}

export interface WorkerHealthOptions {
  /** How often the worker PINGs Redis through its own connection. @defaultValue 5000 */
  readonly heartbeatMs?: number;
  /**
   * How long a probe waits for Redis to answer a PING: well inside the 2 s
   * a probe is promised, so that a frozen Redis (connection open, no answer)
   * reads as not ready rather than as a probe that timed out. @defaultValue 1000
   */
  readonly probePingMs?: number;
  readonly now?: () => number;
}

/**
 * Whether a worker is consuming, not merely alive. The process being up says
 * little: a worker whose Redis connection is gone, whose BullMQ loop stopped,
 * or that is shutting down takes no jobs. Ready means all of: BullMQ's worker
 * reported ready (both its connections up), it runs and is not stopping, its
 * connection is `ready`, and Redis answers a PING within `probePingMs` of the
 * probe. The PING is sent when the probe comes (or the one already on its way
 * is awaited): a frozen Redis keeps the connection `ready` and every earlier
 * heartbeat fresh, and only a question asked now tells.
 */
export class WorkerHealth {
  readonly #worker: HealthEvents;
  readonly #connection: RedisClient;
  readonly #activeJobs: () => number;
  readonly #heartbeatMs: number;
  readonly #probePingMs: number;
  readonly #now: () => number;
  #workerReady = false;
  #stopping = false;
  #lastHeartbeat: number | undefined;
  /** The PINGs: one at a time, so that a frozen Redis does not collect them. */
  readonly #ping: RedisPing;
  #finished = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    worker: HealthEvents,
    connection: RedisClient,
    activeJobs: () => number,
    options: WorkerHealthOptions = {},
  ) {
    this.#worker = worker;
    this.#connection = connection;
    this.#activeJobs = activeJobs;
    this.#heartbeatMs = options.heartbeatMs ?? 5000;
    this.#probePingMs = options.probePingMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#ping = new RedisPing(connection, {
      now: this.#now,
      onAnswer: (at) => void (this.#lastHeartbeat = at),
    });
  }

  /** Starts listening and pinging. */
  start(): this {
    const beat = () => void (this.#lastHeartbeat = this.#now());
    this.#worker.on('ready', () => {
      this.#workerReady = true;
      beat();
    });
    this.#worker.on('active', beat);
    this.#worker.on('drained', beat);
    this.#worker.on('completed', () => {
      this.#finished += 1;
      beat();
    });
    this.#worker.on('failed', () => {
      this.#finished += 1;
      beat();
    });
    this.#connection.on('ready', () => this.#sendPing());
    this.#timer = setInterval(() => this.#sendPing(), this.#heartbeatMs).unref();
    return this;
  }

  /** The worker is shutting down: from now on it is not ready. */
  markStopping(): void {
    this.#stopping = true;
  }

  /** Stops pinging. */
  stop(): void {
    this.markStopping();
    clearInterval(this.#timer);
  }

  /** Whether the worker is consuming now; resolves within `probePingMs` (and a little). */
  async readiness(): Promise<Readiness> {
    const reason = this.#notReadyBecause() ?? (await this.#redisSilentBecause());
    const since = this.#lastHeartbeat === undefined ? null : this.#now() - this.#lastHeartbeat;
    return {
      ready: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
      redis: this.#connection.status,
      activeJobs: this.#activeJobs(),
      finishedJobs: this.#finished,
      sinceHeartbeatMs: since,
    };
  }

  #notReadyBecause(): string | undefined {
    if (this.#stopping) return 'the worker is stopping';
    if (this.#connection.status !== 'ready')
      return `the Redis connection is ${this.#connection.status}`;
    if (!this.#workerReady) return 'the worker has not connected to Redis yet';
    if (!this.#worker.isRunning()) return 'the worker is not running';
    return undefined;
  }

  /** Undefined when Redis answers a PING within `probePingMs`, else why not. */
  async #redisSilentBecause(): Promise<string | undefined> {
    if (this.#stopping) return 'the worker is stopping';
    return (await this.#ping.answersWithin(this.#probePingMs))
      ? undefined
      : `Redis did not answer a PING within ${this.#probePingMs} ms`;
  }

  /** A heartbeat PING, none while stopping. */
  #sendPing(): void {
    if (!this.#stopping) this.#ping.send();
  }
}
