/** What one queue does in this worker process now, for sharing WORKER_CONCURRENCY. */
export interface QueueLoad {
  /** Its jobs running in this process now. */
  readonly running: number;
  /**
   * The jobs it could run now: those running, plus those waiting that its
   * limits let start (asked of Redis only when all its slots are taken; a
   * queue with a free slot takes what waits, so it wants no more).
   */
  readonly demand: number;
}

/**
 * The concurrency of each queue's BullMQ Worker, WORKER_CONCURRENCY (`total`)
 * shared as one pool that follows the work:
 *
 * 1. the queues' demands, filled evenly up to a common level (max-min
 *    fairness): a queue that wants little gets it all, the busy ones split
 *    the rest, and none gets more than it can use;
 * 2. the slots no demand takes, spread evenly over every queue, so that a
 *    burst on any queue starts at once, before the next share;
 * 3. at least 1 each, BullMQ's least: a quiet queue's next task starts at
 *    once (it waits in BullMQ's blocking read, woken by the task's arrival).
 *
 * Only step 3 gives beyond `total`: one slot to each queue that got none
 * (every slot went to the demands of others). A share below what a queue
 * runs takes effect as its jobs end: BullMQ starts no new one until it is
 * under its concurrency.
 */
export function shareSlots(total: number, loads: readonly QueueLoad[]): number[] {
  const shares = loads.map(() => 0);
  const wants = loads.map((load) => Math.max(0, load.demand, load.running));
  const given = fill(shares, total, (i) => shares[i]! < wants[i]!);
  fill(shares, total - given, () => true);
  return shares.map((n) => Math.max(1, n));
}

/**
 * Gives up to `slots` slots one at a time, each to the queue with the fewest
 * so far among those `open` says may take one; returns how many it gave.
 */
function fill(shares: number[], slots: number, open: (i: number) => boolean): number {
  let given = 0;
  while (given < slots) {
    let pick = -1;
    for (let i = 0; i < shares.length; i += 1) {
      if (open(i) && (pick < 0 || shares[i]! < shares[pick]!)) pick = i;
    }
    if (pick < 0) break;
    shares[pick]! += 1;
    given += 1;
  }
  return given;
}
