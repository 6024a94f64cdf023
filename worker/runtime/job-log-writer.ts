import type { RedisClient } from '../../shared/redis-connection.js';

/**
 * Appends ARGV[2…] to the list KEYS[2] (the job's log) while the hash KEYS[1]
 * (the job) exists, then keeps at most ARGV[1] lines (0: all). A job removed
 * while it runs (its queue removed with force) gets no log back, which would
 * be a key nothing ever removes. Pushed a thousand at a time: Lua's unpack
 * takes only so many values at once.
 */
const APPEND_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for first = 2, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(ARGV, first, math.min(first + 999, #ARGV)))
end
local keep = tonumber(ARGV[1])
if keep > 0 then redis.call('LTRIM', KEYS[2], -keep, -1) end
return 1
`;

/**
 * Writes an execution's log lines to its job's BullMQ log (the list
 * `<job key>:logs` that `job.log` and `queue.getJobLogs` use). BullMQ's
 * `job.log` runs a Lua script per line; a quick execution's lines go instead
 * in one write when it ends, and a long one's (retry waits, slow peers) at
 * most `flushAfterMs` after they happen, so operators watch them live.
 *
 * A quick execution that completed writes no job log at all: its lines are
 * its output's `log`, which the job keeps as its return value (and the
 * dashboard shows). That saves a Redis write and a key per job on the hot
 * path; a failed, parked or long execution has its lines in both places.
 */
export class JobLogWriter {
  readonly #client: RedisClient;
  readonly #jobKey: string;
  readonly #keepLogs: number | undefined;
  readonly #flushAfterMs: number;
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #writes: Promise<unknown>[] = [];
  #written = false;

  /**
   * `jobKey`: the job's hash; its log is `<jobKey>:logs`. `keepLogs`:
   * BullMQ's job option, how many lines to keep at most.
   */
  constructor(client: RedisClient, jobKey: string, keepLogs?: number, flushAfterMs = 1000) {
    this.#client = client;
    this.#jobKey = jobKey;
    this.#keepLogs = keepLogs;
    this.#flushAfterMs = flushAfterMs;
  }

  add(line: string): void {
    this.#pending.push(line);
    this.#timer ??= setTimeout(() => this.#flush(), this.#flushAfterMs);
  }

  /**
   * Writes what is pending and waits for every write; a failed write loses
   * only log lines. `kept`: the lines are kept in full elsewhere (the output
   * of a completed execution that was never parked), so unless some were
   * written already, none are.
   */
  async close({ kept = false }: { kept?: boolean } = {}): Promise<void> {
    if (kept && !this.#written) {
      clearTimeout(this.#timer);
      this.#pending = [];
    }
    this.#flush();
    await Promise.all(this.#writes);
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    this.#written = true;
    const write = this.#client.eval(
      APPEND_SCRIPT,
      2,
      this.#jobKey,
      `${this.#jobKey}:logs`,
      this.#keepLogs ?? 0,
      ...lines,
    );
    this.#writes.push(write.catch(() => undefined));
  }
}
