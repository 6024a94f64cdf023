import type { SqlClient } from './sql-client.js';

/** One UTC day, in ms. */
export const DAY_MS = 86_400_000;

/** The advisory lock key under which partitions are made and dropped ("tr-parts" in ASCII). */
const PARTITION_LOCK_KEY = 0x74722d7061727473n;

/** A partition's name: `executions_` and its UTC day as YYYYMMDD. */
const PARTITION_NAME = /^executions_(\d{4})(\d{2})(\d{2})$/;

/** The start (epoch ms) of the UTC day `at` falls in. */
export function dayStart(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** The partition that holds the records finished on the UTC day starting at `start`. */
export function partitionName(start: number): string {
  return `executions_${new Date(start).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The oldest `finished_at` (epoch ms) a retention of `days` keeps at `now`. */
export function retentionStart(days: number, now: number): number {
  return now - days * DAY_MS;
}

/**
 * The executions table's day partitions: one per UTC day of `finished_at`,
 * made when the first record of that day is written (there is no default
 * partition, so a record always lands in its day) and dropped whole when
 * the day leaves the retention, which costs one DROP instead of deleting
 * a day's rows one by one and vacuuming after.
 *
 * Several recorders may write the first records of a day at once: a
 * partition is made with IF NOT EXISTS under an advisory transaction lock,
 * so that they take turns and the second finds it made. The days known to
 * exist are remembered, so that a write checks the database once a day.
 */
export class Partitions {
  readonly #client: SqlClient;
  readonly #known = new Set<number>();

  constructor(client: SqlClient) {
    this.#client = client;
  }

  /** Makes the partition of each UTC day one of `finishedAts` (epoch ms) falls in, unless known. */
  async ensure(finishedAts: Iterable<number>): Promise<void> {
    const missing = new Set<number>();
    for (const at of finishedAts) {
      const start = dayStart(at);
      if (!this.#known.has(start)) missing.add(start);
    }
    if (missing.size === 0) return;
    await this.#client.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [PARTITION_LOCK_KEY.toString()]);
      for (const start of [...missing].sort((a, b) => a - b)) {
        const from = new Date(start).toISOString();
        const to = new Date(start + DAY_MS).toISOString();
        await tx.query(
          `CREATE TABLE IF NOT EXISTS ${partitionName(start)} PARTITION OF executions
            FOR VALUES FROM ('${from}') TO ('${to}')`,
        );
      }
    });
    for (const start of missing) this.#known.add(start);
  }

  /**
   * Drops every day partition whose whole day finished before the
   * retention of `days` at `now`; returns the names dropped, oldest first.
   * A day partly inside the retention stays until all of it is out.
   */
  async dropExpired(days: number, now = Date.now()): Promise<string[]> {
    const keepFrom = retentionStart(days, now);
    const dropped = await this.#client.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [PARTITION_LOCK_KEY.toString()]);
      const expired = (await this.#dayPartitions(tx)).filter((p) => p.start + DAY_MS <= keepFrom);
      for (const partition of expired) await tx.query(`DROP TABLE IF EXISTS ${partition.name}`);
      return expired;
    });
    for (const partition of dropped) this.#known.delete(partition.start);
    return dropped.map((partition) => partition.name);
  }

  /** The day partitions that exist, oldest first. */
  async #dayPartitions(tx: SqlClient): Promise<{ name: string; start: number }[]> {
    const rows = await tx.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'executions'::regclass`,
    );
    const days: { name: string; start: number }[] = [];
    for (const { name } of rows) {
      const match = PARTITION_NAME.exec(name);
      if (match) days.push({ name, start: Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!) });
    }
    return days.sort((a, b) => a.start - b.start);
  }
}
