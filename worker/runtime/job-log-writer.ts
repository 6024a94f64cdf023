import type { RedisClient } from '../../shared/redis-connection.js';

/**
 * Writes an execution's log lines to its job's BullMQ log (the list
 * `<job key>:logs` that `job.log` and `queue.getJobLogs` use). BullMQ's
 * `job.log` runs a Lua script per line; a quick execution's lines go instead
 * in one RPUSH when it ends, and a long one's (retry waits, slow peers) at
 * most `flushAfterMs` after they happen, so operators watch them live.
 *
 * A quick execution that completed writes no job log at all: its lines are
 * its output's `log`, which the job keeps as its return value (and the
 * dashboard shows). That saves a Redis write and a key per job on the hot
 * path; a failed, parked or long execution has its lines in both places.
 */
export class JobLogWriter {
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #writes: Promise<unknown>[] = [];
  #written = false;
  readonly #client: RedisClient;
  readonly #key: string;
  /** BullMQ's `keepLogs` job option: how many lines to keep at most. */
  readonly #keepLogs: number | undefined;
  readonly #flushAfterMs: number;

  constructor(client: RedisClient, key: string, keepLogs?: number, flushAfterMs = 1000) {
    this.#client = client;
    this.#key = key;
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
    const write = this.#keepLogs
      ? this.#client
          .multi()
          .rpush(this.#key, ...lines)
          .ltrim(this.#key, -this.#keepLogs, -1)
          .exec()
      : this.#client.rpush(this.#key, ...lines);
    this.#writes.push(write.catch(() => undefined));
  }
}
