import { hostname } from 'node:os';
import type { Queue } from 'bullmq';
import type { Config } from '../../shared/config.js';
import { startTaskrest, type TaskrestProcess } from './taskrest-process.js';
import { envOf } from './test-config.js';

/** A `taskrest worker` process owned by a test. */
export interface WorkerProcess extends TaskrestProcess {
  /** `host:pid`, as `job.processedBy` and `queue.getWorkers()` record it. */
  readonly name: string;
  /** GET on its health endpoint (TASKREST_HEALTH_PORT=0 is set): status code and JSON body. */
  probe(path: '/livez' | '/readyz'): Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * Spawns the built `taskrest worker` with the configuration of `config` (and
 * `env` over it), logging at info with a health endpoint on a free port. With
 * `waitStarted` (the default) it resolves once the worker logged its start.
 */
export async function startWorkerProcess(
  config: Config,
  env: Record<string, string> = {},
  { waitStarted = true } = {},
): Promise<WorkerProcess> {
  const child = startTaskrest(
    ['worker'],
    envOf(config, {
      TASKREST_LOG_LEVEL: 'info',
      REDIS_CLUSTER: config.redisCluster ? '1' : '0',
      TASKREST_HEALTH_PORT: '0',
      ...env,
    }),
  );
  if (waitStarted) await child.waitFor(/"worker started"/);
  const healthPort = () => {
    const line = /"worker started".*"healthPort":(\d+)/.exec(child.output());
    if (!line) throw new Error(`no health port yet in:\n${child.output()}`);
    return Number(line[1]);
  };
  return Object.assign(child, {
    name: `${hostname()}:${child.child.pid}`,
    async probe(path: '/livez' | '/readyz') {
      const response = await fetch(`http://127.0.0.1:${healthPort()}${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  });
}

/** Polls until `n` jobs are completed or failed in all; returns the counts. */
export async function waitForFinished(
  queue: Queue,
  n: number,
  timeoutMs = 20_000,
): Promise<{ completed: number; failed: number; active: number; waiting: number }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed', 'active', 'waiting');
    const result = {
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      active: counts.active ?? 0,
      waiting: counts.waiting ?? 0,
    };
    if (result.completed + result.failed >= n || Date.now() > until) return result;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls `check` every 100 ms until it returns true; rejects with `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
