import type { Job, Queue } from 'bullmq';
import { forReplay } from '../shared/job-envelope.js';
import { OUTPUT_FIELD } from '../shared/task-queue.js';
import type { ProducerContext } from './producer-context.js';

/**
 * The job hash field that records which failure a replay took:
 * `<finishedOn of that failure>:<when it was taken, ms>`.
 */
const REPLAY_FIELD = 'taskrestReplay';

/**
 * How long a taken failure stays the taker's. The taker moves the job on at
 * once (`job.retry`); only a taker that died in between leaves it failed,
 * and after this long another replay may take that failure again.
 */
const REPLAY_CLAIM_MS = 30_000;

/**
 * Takes one failure of a job for one replay, atomically: the job must still
 * be in the failed set with the failure the caller read (the time it failed,
 * its `finishedOn`), and no other replay may have taken that failure. Only
 * then is the last run's output cleared and the job data replaced by the
 * replay's.
 *
 * KEYS[1] the job's hash, KEYS[2] the queue's failed set.
 * ARGV[1] job id, ARGV[2] the failure's time (ms), ARGV[3] the output
 * field, ARGV[4] the replay's job data, ARGV[5] now (ms), ARGV[6] REPLAY_CLAIM_MS.
 * Returns 1 taken, 0 not this failure any more, -1 taken by another replay.
 */
const CLAIM_SCRIPT = `
local failure = tonumber(ARGV[2])
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'finishedOn')) ~= failure then return 0 end
local taken = redis.call('HGET', KEYS[1], '${REPLAY_FIELD}')
if taken then
  local of, at = string.match(taken, '^(%d+):(%d+)$')
  if tonumber(of) == failure and tonumber(ARGV[5]) - tonumber(at) < tonumber(ARGV[6]) then
    return -1
  end
end
redis.call('HSET', KEYS[1], '${REPLAY_FIELD}', ARGV[2] .. ':' .. ARGV[5], 'data', ARGV[4])
redis.call('HDEL', KEYS[1], ARGV[3])
return 1`;

/**
 * What a claim found: `taken` (this replay runs it), `changed` (it is no
 * longer the failure that was read: it ran again, or is gone), `taken-by-other`
 * (another replay of the same failure was first).
 */
export type ReplayClaim = 'taken' | 'changed' | 'taken-by-other';

/**
 * Claims the failure of `job` that failed at `failedAt` (ms) for one replay
 * (see CLAIM_SCRIPT), clearing its output and preparing its data from
 * `job.data` only when the claim is won, so that a replay that loses the
 * race changes nothing.
 */
export async function claimReplay(
  context: ProducerContext,
  queue: Queue,
  job: Job,
  failedAt: number | undefined,
): Promise<ReplayClaim> {
  if (job.id === undefined || failedAt === undefined || job.finishedOn !== failedAt) {
    return 'changed';
  }
  const answer = await context.connection.eval(
    CLAIM_SCRIPT,
    2,
    context.jobKeyOf(queue.name, job.id),
    queue.keys.failed!,
    job.id,
    String(failedAt),
    OUTPUT_FIELD,
    JSON.stringify(forReplay(job.data)),
    String(Date.now()),
    String(REPLAY_CLAIM_MS),
  );
  if (answer === 1) return 'taken';
  return answer === -1 ? 'taken-by-other' : 'changed';
}
