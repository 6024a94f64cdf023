/** Timing a call many times, after warm-up, as the history benches report it. */
import { percentile, round } from './stats.js';

/** The p50 and p95 of one call, and what one run returned. */
export interface TimedResult {
  name: string;
  p50_ms: number;
  p95_ms: number;
  rows: number;
  target_p95_ms?: number;
}

/**
 * Runs `run` `warmup` times untimed, then `runs` times timed; `rows` is
 * what the last run returned (the rows of a page, the buckets of the
 * stats). Prints one line.
 */
export async function timeRuns(
  name: string,
  counts: { runs: number; warmup: number },
  run: () => Promise<number>,
  target?: number,
): Promise<TimedResult> {
  for (let i = 0; i < counts.warmup; i++) await run();
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < counts.runs; i++) {
    const started = performance.now();
    rows = await run();
    samples.push(performance.now() - started);
  }
  const result = {
    name,
    p50_ms: round(percentile(samples, 50), 2),
    p95_ms: round(percentile(samples, 95), 2),
    rows,
    ...(target !== undefined ? { target_p95_ms: target } : {}),
  };
  console.log(`  ${name}: p50 ${result.p50_ms} ms, p95 ${result.p95_ms} ms (${rows} rows)`);
  return result;
}
