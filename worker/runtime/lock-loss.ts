import { coerceError } from '../../shared/errors/coerce-error.js';
import type { Logger } from '../../shared/logger.js';
import type { RunningExecutions } from './running-executions.js';

/** The part of BullMQ's Worker this needs. */
export interface LockEvents {
  on(event: 'lockRenewalFailed', listener: (jobIds: string[]) => void): unknown;
}

/**
 * Aborts the execution of every job whose lock BullMQ could not renew
 * ('lockRenewalFailed': the lock expired while Redis was frozen or away,
 * or the job was taken back). BullMQ itself lets the processor run on, and
 * its request would go on for minutes with an outcome nobody records.
 *
 * A failed renewal may be older than the execution running now: a renewal
 * sent before Redis froze fails after the stalled check already gave the
 * job back to this same worker under a new token. So the lock is read once
 * more (`holderOf`): an execution whose token still holds it keeps running.
 */
export function abortOnLockLoss(
  worker: LockEvents,
  executions: RunningExecutions,
  holderOf: (jobId: string) => Promise<string | null>,
  logger: Logger,
): void {
  const check = async (jobId: string) => {
    const execution = executions.get(jobId);
    if (!execution) return;
    const holder = execution.token ? await holderOf(jobId) : null;
    if (holder !== null && holder === execution.token) return;
    if (executions.loseLock(execution)) logger.warn('lock lost: execution aborted', { id: jobId });
  };
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) {
      check(jobId).catch((error: unknown) =>
        logger.warn('could not check a lost lock', {
          id: jobId,
          error: coerceError(error).message,
        }),
      );
    }
  });
}
