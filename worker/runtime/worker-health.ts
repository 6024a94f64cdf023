import type { RedisClient } from '../../shared/redis-connection.js';

/** The part of a BullMQ Worker (or a WorkerGroup) that health listens to. */
export interface HealthEvents {
  on(event: 'ready' | 'active' | 'drained' | 'completed' | 'failed', listener: () => void): unknown;
  isRunning(): boolean;
}

/** What `/readyz` reports. */
export interface Readiness {
  /** True when the worker is consuming: connected, running, and Redis answered recently. */
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
  /** Older heartbeats than this make the worker unready. @defaultValue 3 × heartbeatMs */
  readonly staleMs?: number;
  readonly now?: () => number;
}

/**
 * Whether a worker is consuming, not merely alive. The process being up says
 * little: a worker whose Redis connection is gone, whose BullMQ loop stopped,
 * or that is shutting down takes no jobs. Ready means all of: BullMQ's worker
 * reported ready (both its connections up), it runs and is not stopping, its
 * connection is `ready`, and Redis answered within `staleMs`, either a PING
 * sent every `heartbeatMs` through the worker's own connection or one of the
 * job events of the fetch loop (active, completed, failed, drained).
 */
export class WorkerHealth {
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;
  private workerReady = false;
  private stopping = false;
  private lastHeartbeat: number | undefined;
  private pinging = false;
  private finished = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly worker: HealthEvents,
    private readonly connection: RedisClient,
    private readonly activeJobs: () => number,
    options: WorkerHealthOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.staleMs = options.staleMs ?? 3 * this.heartbeatMs;
    this.now = options.now ?? Date.now;
  }

  /** Starts listening and pinging. */
  start(): this {
    const beat = () => void (this.lastHeartbeat = this.now());
    this.worker.on('ready', () => {
      this.workerReady = true;
      beat();
    });
    this.worker.on('active', beat);
    this.worker.on('drained', beat);
    this.worker.on('completed', () => {
      this.finished += 1;
      beat();
    });
    this.worker.on('failed', () => {
      this.finished += 1;
      beat();
    });
    this.connection.on('ready', () => this.ping());
    this.timer = setInterval(() => this.ping(), this.heartbeatMs).unref();
    return this;
  }

  /** The worker is shutting down: from now on it is not ready. */
  markStopping(): void {
    this.stopping = true;
  }

  /** Stops pinging. */
  stop(): void {
    this.markStopping();
    clearInterval(this.timer);
  }

  readiness(): Readiness {
    const since = this.lastHeartbeat === undefined ? null : this.now() - this.lastHeartbeat;
    const reason = this.notReadyBecause(since);
    return {
      ready: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
      redis: this.connection.status,
      activeJobs: this.activeJobs(),
      finishedJobs: this.finished,
      sinceHeartbeatMs: since,
    };
  }

  private notReadyBecause(since: number | null): string | undefined {
    if (this.stopping) return 'the worker is stopping';
    if (this.connection.status !== 'ready')
      return `the Redis connection is ${this.connection.status}`;
    if (!this.workerReady) return 'the worker has not connected to Redis yet';
    if (!this.worker.isRunning()) return 'the worker is not running';
    if (since === null || since > this.staleMs)
      return `no answer from Redis for more than ${this.staleMs} ms`;
    return undefined;
  }

  private ping(): void {
    // One PING at a time: while Redis is away a PING waits for the reconnect.
    if (this.pinging || this.stopping) return;
    this.pinging = true;
    this.connection
      .ping()
      .then(() => void (this.lastHeartbeat = this.now()))
      .catch(() => undefined)
      .finally(() => (this.pinging = false));
  }
}
