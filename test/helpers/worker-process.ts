import { hostname } from 'node:os';
import type { Queue } from 'bullmq';
import type { Config } from '../../shared/config.js';
import { eventually } from './eventually.js';
import { startTaskrest, type TaskrestProcess } from './taskrest-process.js';
import { envOf } from './test-config.js';

/** A `taskrest worker` process owned by a test. */
export interface WorkerProcess extends TaskrestProcess {
  /** `host:pid`, as `job.processedBy` and `queue.getWorkers()` record it. */
  readonly name: string;
  /** GET on its health endpoint (TASKREST_HEALTH_PORT=0 is set): status code and JSON body. */
  probe(path: '/livez' | '/readyz'): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The URL of its health endpoint's `path`, for a probe with a timeout of its own. */
  probeUrl(path: '/livez' | '/readyz'): string;
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
    const line = /"healthPort":(\d+)[^\n]*"msg":"worker started"/.exec(child.output());
    if (!line) throw new Error(`no health port yet in:\n${child.output()}`);
    return Number(line[1]);
  };
  const probeUrl = (path: '/livez' | '/readyz') => `http://127.0.0.1:${healthPort()}${path}`;
  return Object.assign(child, {
    name: `${hostname()}:${child.child.pid}`,
    probeUrl,
    async probe(path: '/livez' | '/readyz') {
      const response = await fetch(probeUrl(path));
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  });
}

/** Counts of a queue's jobs by state. */
export interface FinishedCounts {
  completed: number;
  failed: number;
  active: number;
  waiting: number;
}

/** Polls until `n` jobs are completed or failed in all; returns the counts (rejects with them after `timeoutMs`). */
export async function waitForFinished(
  queue: Queue,
  n: number,
  timeoutMs = 20_000,
): Promise<FinishedCounts> {
  let counts: FinishedCounts | undefined;
  let unread: string | undefined;
  const read = async (): Promise<FinishedCounts> => {
    const raw = await queue.getJobCounts('completed', 'failed', 'active', 'waiting');
    return {
      completed: raw.completed ?? 0,
      failed: raw.failed ?? 0,
      active: raw.active ?? 0,
      waiting: raw.waiting ?? 0,
    };
  };
  await eventually(
    async () => {
      // A test may restart Redis meanwhile: a read that fails is "not yet", not the end.
      try {
        counts = await read();
        unread = undefined;
      } catch (error) {
        unread = (error as Error).message;
        return false;
      }
      return counts.completed + counts.failed >= n;
    },
    () => `${n} jobs finished (${JSON.stringify(counts)}${unread ? `; last read: ${unread}` : ''})`,
    { timeoutMs, intervalMs: 200 },
  );
  return counts!;
}
