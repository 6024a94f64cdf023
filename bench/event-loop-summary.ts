/**
 * `node dist/bench/event-loop-summary.js DIR`: sums up what
 * bench/event-loop-probe.ts wrote into DIR, one line per process, over the
 * seconds it was busy (utilisation above 0.05, so that start-up and idle
 * waits between scenes do not dilute it): the mean utilisation, the median
 * of each second's p99 delay, and the share of those seconds spent in
 * garbage-collection pauses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { median } from './stats.js';

interface ProbeLine {
  elu: number;
  delayP99: number;
  gcMinorMs: number;
  gcMajorMs: number;
  gcMinor: number;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: event-loop-summary.js DIR');
for (const name of readdirSync(dir)
  .filter((n) => n.endsWith('.jsonl'))
  .sort()) {
  const lines = readFileSync(`${dir}/${name}`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ProbeLine)
    .filter((line) => line.elu > 0.05);
  if (lines.length === 0) continue;
  const mean = (pick: (line: ProbeLine) => number) =>
    lines.reduce((sum, line) => sum + pick(line), 0) / lines.length;
  process.stdout.write(
    `${name}: ${lines.length} busy s, utilisation ${mean((l) => l.elu).toFixed(2)}, ` +
      `delay p99 ${median(lines.map((l) => l.delayP99)).toFixed(1)} ms (median of seconds), ` +
      `GC ${((mean((l) => l.gcMinorMs + l.gcMajorMs) / 1000) * 100).toFixed(1)}% of the time ` +
      `(${mean((l) => l.gcMinor).toFixed(1)} minor a second, ${(
        mean((l) => l.gcMinorMs) /
        Math.max(
          mean((l) => l.gcMinor),
          1e-9,
        )
      ).toFixed(1)} ms each)\n`,
  );
}
