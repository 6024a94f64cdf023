/**
 * What `npm run bench` measures: the rows of its tables (a shape of work
 * each, measured for every system), and the jobs, warm-ups and repetitions
 * it spends on them.
 */
import { REPORTED_ROW_REPS } from './report.js';

export const KiB = 1024;

/** A table row: one shape of work, measured for every system. */
export interface Row {
  bodyBytes: number;
  workers: number;
  concurrency: number;
  /** The target answers after this long (ms): rows measuring against the concurrency/latency bound. */
  delayMs?: number;
  /**
   * At most this many repetitions: rows reported without a target take 3,
   * which keeps a full run with a baseline under ten minutes; the rows with
   * targets (one worker, 1 KiB, concurrency 16/64/256) take all of them.
   */
  maxReps?: number;
}

/** What a run measures, and how much of it: `--quick` runs one row, fewer jobs and repetitions. */
export function benchPlan(quick: boolean) {
  return quick
    ? {
        rows: [{ bodyBytes: KiB, workers: 1, concurrency: 64 }] as Row[],
        jobs: 2000,
        bigJobs: 300,
        warmupJobs: 1000,
        bigWarmupJobs: 100,
        delayedWarmupJobs: 500,
        reps: 3,
        latencySeconds: 2,
        httpRequests: 5000,
        bulkTasks: 5000,
        cluster: false,
      }
    : {
        rows: [
          { bodyBytes: KiB, workers: 1, concurrency: 16 },
          { bodyBytes: KiB, workers: 1, concurrency: 64 },
          { bodyBytes: KiB, workers: 1, concurrency: 256 },
          { bodyBytes: KiB, workers: 2, concurrency: 64, maxReps: REPORTED_ROW_REPS },
          { bodyBytes: 256 * KiB, workers: 1, concurrency: 64, maxReps: REPORTED_ROW_REPS },
          // A realistic peer answering after 100 ms: reported against the bound concurrency / latency.
          {
            bodyBytes: KiB,
            workers: 1,
            concurrency: 256,
            delayMs: 100,
            maxReps: REPORTED_ROW_REPS,
          },
          {
            bodyBytes: KiB,
            workers: 1,
            concurrency: 1024,
            delayMs: 100,
            maxReps: REPORTED_ROW_REPS,
          },
        ] as Row[],
        // Timed after each fresh worker's warm-up: at full load a fresh
        // process's rate climbs for about 2.5 s, some 4,000 jobs (the bare peer
        // and taskrest alike). Against the 100 ms target the worker mostly
        // waits: a shorter warm-up keeps those rows' time in bounds.
        jobs: 4000,
        bigJobs: 400,
        warmupJobs: 4000,
        bigWarmupJobs: 300,
        delayedWarmupJobs: 1000,
        reps: 5,
        latencySeconds: 4,
        httpRequests: 20000,
        bulkTasks: 20000,
        cluster: true,
      };
}

/** A row's name in the log and for `--rows`: `1 KiB 1w c256 +100 ms`. */
export function rowName(row: Row): string {
  const delay = row.delayMs ? ` +${row.delayMs} ms` : '';
  return `${row.bodyBytes / KiB} KiB ${row.workers}w c${row.concurrency}${delay}`;
}

/** The row the summary compares systems on: 1 KiB, one worker, concurrency 64, an immediate target. */
export function isMainRow(row: Row): boolean {
  return row.bodyBytes === KiB && row.workers === 1 && row.concurrency === 64 && !row.delayMs;
}
