import { ErrorCode as BullErrorCode, type Queue } from 'bullmq';
import { isCallbackId } from '../shared/callback.js';
import { ScheduledExecutionError } from '../shared/errors/scheduled-execution-error.js';
import type { ProducerContext } from './producer-context.js';

/**
 * Forgets the parent of a callback's execution, when that parent is the
 * callback just removed: the execution then reads as one enqueued without a
 * callback, and a later replay of it does not look for the callback again.
 */
const DETACH_SCRIPT = `
if redis.call('HGET', KEYS[1], 'parentKey') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'parentKey', 'parent')
end
return 0`;

/**
 * Removes an execution that is not running, with BullMQ's `queue.remove`:
 * true when removed (or unknown), false when BullMQ refused because it runs
 * now (it is locked). Two kinds of execution are BullMQ's special cases:
 *
 * - A callback is the parent of the execution it reports on, and BullMQ
 *   removes a parent with its children: the callback is removed alone, and
 *   the execution stays as it is (pending, running or finished).
 * - A schedule's pending execution belongs to its job scheduler, which
 *   refuses its removal: ScheduledExecutionError says to remove the schedule.
 */
export async function removeExecution(
  context: ProducerContext,
  queue: Queue,
  id: string,
): Promise<boolean> {
  if (!isCallbackId(id)) return (await removeOne(context, queue, id)) === 1;
  if ((await queue.remove(id, { removeChildren: false })) !== 1) return false;
  const executionId = id.slice(id.indexOf('!') + 1);
  await context.connection.eval(
    DETACH_SCRIPT,
    1,
    context.jobKeyOf(queue.name, executionId),
    context.jobKeyOf(queue.name, id),
  );
  return true;
}

/** `queue.remove`, with BullMQ's refusal of a scheduler's job turned into ScheduledExecutionError. */
async function removeOne(context: ProducerContext, queue: Queue, id: string): Promise<number> {
  try {
    return await queue.remove(id);
  } catch (error) {
    if ((error as { code?: unknown }).code !== BullErrorCode.JobBelongsToJobScheduler) throw error;
    // The scheduler's key is its id (`rjk`); its jobs are named `repeat:<id>:<due ms>`.
    const scheduleId =
      (await context.connection.hget(context.jobKeyOf(queue.name, id), 'rjk')) ??
      id.split(':')[1] ??
      id;
    throw new ScheduledExecutionError(id, scheduleId, queue.name);
  }
}
