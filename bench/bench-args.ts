/** What the history benches read from their command line and from the queue bench's results. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats.js';

/** The number after `name` on the command line (`--records 1000`), or `fallback`. */
export function numberOption(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

/** One worker's jobs/s (1 worker, concurrency 64, 1 KiB) from the queue bench's latest results. */
export function workerRate(): number | undefined {
  try {
    const latest = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as {
      runs: { label: string; workers: number; concurrency: number; bodyBytes: number }[];
    };
    const row = latest.runs.find(
      (r) =>
        r.label === 'taskrest' && r.workers === 1 && r.concurrency === 64 && r.bodyBytes === 1024,
    ) as { throughput?: number } | undefined;
    return row?.throughput === undefined ? undefined : Math.round(row.throughput);
  } catch {
    return undefined;
  }
}

/** What every history bench's results file starts with: when, on what, and the load before and after. */
export function runHeader(loadBefore: readonly number[]) {
  return {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
    load_average: {
      before: loadBefore.map((l) => round(l, 2)),
      after: os.loadavg().map((l) => round(l, 2)),
    },
  };
}
