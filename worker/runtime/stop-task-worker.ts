import type { Config } from '../../shared/config.js';
import type { Logger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import type { HttpClient } from '../executor/http-client.js';
import type { CancelListener } from './cancel-listener.js';
import type { RedisGate } from './gate/redis-gate.js';
import type { JobProcessor } from './job-processor.js';
import type { QueueWatch } from './queue-watch.js';
import type { RunningExecutions } from './running-executions.js';
import { HAND_BACK_MS, settlesWithin, type Shutdown } from './shutdown.js';
import { StopReport } from './stop-report.js';
import type { WorkerGroup } from './worker-group.js';
import type { WorkerHealth } from './worker-health.js';

/** The parts of a running task worker that its stop closes, each in its turn. */
export interface TaskWorkerParts {
  readonly config: Pick<Config, 'shutdownGraceMs'>;
  readonly logger: Logger;
  readonly connection: RedisClient;
  readonly http: HttpClient;
  readonly worker: WorkerGroup;
  readonly health: WorkerHealth;
  readonly queues: QueueWatch;
  readonly cancels: CancelListener;
  readonly shutdown: Shutdown;
  readonly executions: RunningExecutions;
  readonly processor: JobProcessor;
  /** The destinations' gate: its last counts are sent before the connection closes. */
  readonly gate: RedisGate;
}

/**
 * Stops a task worker: no more queues followed or jobs taken, running jobs
 * get the grace period (TASKREST_SHUTDOWN_GRACE_MS), then are aborted and
 * handed back; then its connections close. Without Redis it stops anyway,
 * past a deadline, and leaves the jobs it ran to the stalled check.
 */
export async function stopTaskWorker(parts: TaskWorkerParts): Promise<void> {
  const { config, logger, connection, worker, health, cancels, executions } = parts;
  health.markStopping();
  const stopped = closeInTurn(parts);
  // Every step above waits for Redis, and a worker connection waits for it
  // for ever (and ioredis' quit and BullMQ's close with it): the stop has a
  // deadline instead, so that a supervisor's SIGTERM ends the process.
  const inTime = await settlesWithin(stopped, config.shutdownGraceMs + HAND_BACK_MS);
  health.stop();
  if (inTime) return;
  logger.error(
    'Redis unreachable: stopping without handing back; these jobs come back as stalled',
    { jobs: executions.jobIds() },
  );
  // No more reconnect attempts, on the worker's connection nor on BullMQ's own.
  connection.disconnect();
  cancels.disconnect();
  worker.disconnect();
}

/** The stop itself: the queue watch, the Workers (the grace period), then every connection. */
async function closeInTurn(parts: TaskWorkerParts): Promise<void> {
  const { config, logger, connection, http, worker, queues, cancels, shutdown, executions } = parts;
  const report = new StopReport(logger, executions);
  try {
    report.begin(config.shutdownGraceMs);
    await queues.stop();
    await shutdown.close(worker, config.shutdownGraceMs, () => {
      report.expired();
      executions.abortAll();
    });
    report.end();
  } finally {
    // Cancels reach executions until the grace period is over.
    await cancels.close();
    await http.close();
    await parts.gate.close();
    await parts.processor.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}
