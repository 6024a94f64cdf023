import type { Queue } from 'bullmq';
import type { ScheduleExecution } from '../shared/schedule-settings.js';
import type { RedisClient } from '../shared/redis-connection.js';

/** How many executions `GET /api/schedules/:id` shows. */
export const SHOWN_EXECUTIONS = 10;

/** BullMQ's id of a schedule's execution due at `millis`: `repeat:<id>:<millis>`. */
export function scheduledJobId(scheduleId: string, millis: number): string {
  return `repeat:${scheduleId}:${millis}`;
}

/**
 * A schedule's last executions, newest first, found through BullMQ's own
 * link between a job scheduler and its jobs: each job it makes has the id
 * `repeat:<schedule id>:<due time in ms>`. Finished ones are matched in the
 * queue's completed and failed sets (ZSCAN, as far as retention keeps them),
 * running ones in its active list; `pending` is the one waiting to run.
 */
export async function scheduleExecutions(
  redis: RedisClient,
  queue: Queue,
  scheduleId: string,
  pending: { id: string; state: string } | undefined,
): Promise<ScheduleExecution[]> {
  const prefix = `repeat:${scheduleId}:`;
  const [completed, failed, active] = await Promise.all([
    finishedIn(redis, queue.keys.completed!, prefix),
    finishedIn(redis, queue.keys.failed!, prefix),
    redis.lrange(queue.keys.active!, 0, -1),
  ]);
  const executions = [
    ...completed.map(([id, at]) => execution(id, 'completed', at)),
    ...failed.map(([id, at]) => execution(id, 'failed', at)),
    ...active.filter((id) => id.startsWith(prefix)).map((id) => execution(id, 'active', null)),
    ...(pending ? [execution(pending.id, pending.state, null)] : []),
  ];
  return executions
    .sort((a, b) => Date.parse(b.run_at) - Date.parse(a.run_at))
    .slice(0, SHOWN_EXECUTIONS);
}

/** The members of a finished set whose id starts with `prefix`, with their finish times (ms). */
async function finishedIn(
  redis: RedisClient,
  key: string,
  prefix: string,
): Promise<[string, number][]> {
  const found: [string, number][] = [];
  let cursor = '0';
  do {
    const [next, flat] = await redis.zscan(key, cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    for (let i = 0; i < flat.length; i += 2) found.push([flat[i]!, Number(flat[i + 1])]);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

function execution(id: string, state: string, finishedAt: number | null): ScheduleExecution {
  const due = Number(id.slice(id.lastIndexOf(':') + 1));
  return {
    execution_id: id,
    state,
    run_at: new Date(due).toISOString(),
    finished_at: finishedAt === null ? null : new Date(finishedAt).toISOString(),
  };
}
