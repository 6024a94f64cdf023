/**
 * A preload for the bench's processes that says how busy each one's main
 * thread is: `BENCH_NODE_ARGS="--import ./dist/bench/event-loop-probe.js"`
 * with `BENCH_PROBE_DIR=DIR`. Every second it appends one JSON line to
 * `DIR/<script>-<pid>.jsonl`: the event loop's utilisation over that second
 * (0 to 1), its delay (p50, p99, max in ms, sampled every 5 ms), and the
 * garbage collector's pauses (count and ms, minor and major). Not loaded
 * unless asked for; nothing of the product reads it.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import {
  constants,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
} from 'node:perf_hooks';

const dir = process.env.BENCH_PROBE_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${basename(process.argv[1] ?? 'node', '.js')}-${process.pid}.jsonl`;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const gc = { minor: 0, minorMs: 0, major: 0, majorMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        gc.minor++;
        gc.minorMs += entry.duration;
      } else {
        gc.major++;
        gc.majorMs += entry.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  let last = performance.eventLoopUtilization();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const line = {
      elu: Math.round(performance.eventLoopUtilization(now, last).utilization * 1000) / 1000,
      delayP50: ms(delay.percentile(50)),
      delayP99: ms(delay.percentile(99)),
      delayMax: ms(delay.max),
      gcMinor: gc.minor,
      gcMinorMs: Math.round(gc.minorMs * 10) / 10,
      gcMajor: gc.major,
      gcMajorMs: Math.round(gc.majorMs * 10) / 10,
    };
    last = now;
    delay.reset();
    Object.assign(gc, { minor: 0, minorMs: 0, major: 0, majorMs: 0 });
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 1000).unref();
}
