/**
 * The end of a soak: memory verdicts per process, bench/results/soak.json,
 * the chart (docs/images/soak-memory.svg) and the table in
 * docs/operations.md between the soak markers.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountingReport } from './soak-accounting.js';
import { accountingTable, memoryTable, renderSvg, replaceSoakSection } from './soak-chart.js';
import type { FaultEvent } from './soak-faults.js';
import { levelOff, type LevelOff, type MemoryPoint } from './soak-memory.js';
import type { Sample } from './soak-samples.js';

/** What the report needs of the run. */
export interface SoakOutcome {
  readonly minutes: number;
  readonly workers: number;
  readonly perSecond: number;
  readonly feedSeconds: number;
  readonly settleSeconds: number;
  readonly settled: boolean;
  readonly samples: readonly Sample[];
  readonly faults: readonly FaultEvent[];
  readonly accounting: AccountingReport;
  readonly counts: Record<string, number>;
  readonly loadAverage: readonly number[];
}

/** The processes the memory verdicts are about, in chart order. */
export const MEMORY_PROCESSES = ['worker-1', 'worker-2', 'api', 'target', 'redis'];
/** Runs shorter than this show the memory verdicts without failing on them: warm-up fills their window. */
export const MEMORY_VERDICT_MINUTES = 15;
/** A rise below this is never called growth (see soak-memory.ts). */
const FLOOR_MiB = 1;

/** How long after a restart a process's samples are left out: 1/30 of the run, 20 to 60 s. */
export function settleAfterRestart(feedSeconds: number): number {
  return Math.min(60, Math.max(20, Math.round(feedSeconds / 30)));
}

function restartsOf(name: string, faults: readonly FaultEvent[]): number[] {
  return faults.filter((f) => f.process === name).map((f) => f.at);
}

/** Every process's fit over the last two thirds of the feeding. */
export function memoryVerdicts(outcome: SoakOutcome): [string, LevelOff][] {
  const names = Object.keys(outcome.samples.at(-1)?.mib ?? {});
  const ordered = [
    ...MEMORY_PROCESSES.filter((n) => names.includes(n)),
    ...names.filter((n) => !MEMORY_PROCESSES.includes(n)),
  ];
  return ordered.map((name) => {
    const points: MemoryPoint[] = outcome.samples
      .filter((s) => s.mib[name] !== undefined)
      .map((s) => ({ t: s.t, mib: s.mib[name] ?? 0 }));
    const fit = levelOff(points, {
      from: outcome.feedSeconds / 3,
      to: outcome.feedSeconds,
      restarts: restartsOf(name, outcome.faults),
      settleSeconds: settleAfterRestart(outcome.feedSeconds),
      floorMiB: FLOOR_MiB,
    });
    return [name, fit];
  });
}

/**
 * The test equipment's processes, whose memory is shown but not judged: the
 * soak keeps one ledger entry per execution by design, and the target counts
 * requests per task for the accounting; neither is the product.
 */
export const NOT_JUDGED: readonly string[] = ['soak', 'target'];

const n = (v: number) => v.toLocaleString('en-US');

/** How a fault reads in the report. */
export function faultText(f: FaultEvent): string {
  const what = {
    'kill-worker': `kill -9 of ${f.process}`,
    'restart-redis': 'Redis stopped and started from its AOF',
    'restart-postgres': 'PostgreSQL restarted',
  }[f.kind];
  return `${what} at ${f.at} s (back in ${(f.tookMs / 1000).toFixed(1)} s)`;
}

function markdownOf(outcome: SoakOutcome, verdicts: [string, LevelOff][], date: string): string {
  const a = outcome.accounting;
  const judged = outcome.minutes >= MEMORY_VERDICT_MINUTES;
  return [
    `Measured ${date} by \`npm run soak -- --minutes ${outcome.minutes}\`: ${outcome.workers} workers, ` +
      `${outcome.perSecond} tasks a second for ${outcome.feedSeconds} s, then ${outcome.settleSeconds} s to settle` +
      ` (load average at the end ${outcome.loadAverage.map((l) => l.toFixed(1)).join(', ')}). ` +
      `Faults: ${outcome.faults.map(faultText).join('; ')}.`,
    '',
    memoryTable(
      verdicts.map(([name, v]) => [NOT_JUDGED.includes(name) ? `${name} (not judged)` : name, v]),
    ),
    '',
    judged
      ? ''
      : `A run under ${MEMORY_VERDICT_MINUTES} minutes: the memory verdicts are shown, not judged.\n`,
    `Accounting: **${a.verdict}**. ${n(a.executions)} executions, ${n(a.historyRows)} history rows, ` +
      `${n(a.requests)} requests at the target, ${n(outcome.counts.callbacks ?? 0)} callbacks received; ` +
      `${n(a.exposed)} executions were active when a worker was killed or Redis stopped, with ` +
      `${n(a.redelivered)} requests above their scripted count; ${n(a.mismatches)} mismatches.`,
    '',
    accountingTable(a),
    '',
    '![Memory of each process over the soak run](images/soak-memory.svg)',
  ].join('\n');
}

/** Writes soak.json to `outDir`, the SVG and the docs section (when `docsDir` has them). */
export function writeSoakReport(
  outcome: SoakOutcome,
  outDir: string,
  docsDir: string,
): [string, LevelOff][] {
  const verdicts = memoryVerdicts(outcome);
  const date = new Date().toISOString();
  mkdirSync(outDir, { recursive: true });
  const memory = Object.fromEntries(verdicts);
  writeFileSync(
    join(outDir, 'soak.json'),
    `${JSON.stringify({ date, ...outcome, memory }, null, 2)}\n`,
  );
  const series = verdicts.map(([name]) => ({
    name,
    points: outcome.samples
      .filter((s) => s.mib[name] !== undefined)
      .map((s) => ({ t: s.t, mib: s.mib[name] ?? 0 })),
  }));
  const marks = outcome.faults.map((f) => ({
    t: f.at,
    label: f.kind === 'kill-worker' ? `kill -9 ${f.process}` : `${f.process} restart`,
  }));
  const title = `taskrest soak, ${outcome.minutes} min: RSS (Redis: used_memory), MiB`;
  mkdirSync(join(docsDir, 'images'), { recursive: true });
  writeFileSync(join(docsDir, 'images', 'soak-memory.svg'), renderSvg(series, marks, title));
  const page = join(docsDir, 'operations.md');
  if (existsSync(page)) {
    const replaced = replaceSoakSection(
      readFileSync(page, 'utf8'),
      markdownOf(outcome, verdicts, date.slice(0, 10)),
    );
    if (replaced) writeFileSync(page, replaced);
  }
  return verdicts;
}
