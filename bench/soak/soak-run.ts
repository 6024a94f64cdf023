/**
 * `npm run soak -- --minutes N [--workers 2] [--rate 150] [--out DIR]`: the
 * soak run (not part of `npm test`). Its own redis-server (AOF), PostgreSQL
 * cluster (the history), target and callback receiver; the built CLI's
 * workers (history on) and API (its recorder in process). Feeds a steady
 * mix of tasks, faults the system on a timer, samples memory, then settles,
 * accounts for every execution and writes the report. Exit 0 when the
 * accounting passes, everything settled and (in runs of 15 minutes or more)
 * every process's memory levels off; 1 otherwise. See docs/operations.md "Soak run".
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { account, type AccountingReport } from './soak-accounting.js';
import { faultTimeline } from './soak-faults.js';
import { historyOf } from './soak-history.js';
import {
  MEMORY_VERDICT_MINUTES,
  NOT_JUDGED,
  writeSoakReport,
  type SoakOutcome,
} from './soak-report.js';
import { sampleLine, takeSample, type Sample } from './soak-samples.js';
import { startSoakStack, type SoakStack } from './soak-stack.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SETTLE_DEADLINE_S = 300;
const CIRCUIT_FAILING_S = 20;
const CIRCUIT_HEALTHY_S = 40;
const SAMPLED = ['worker-1', 'worker-2', 'api', 'target', 'redis', 'soak'];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Alternates the circuit destination between failing and healthy phases. */
function circuitPhases(targetUrl: string): NodeJS.Timeout {
  let failing = false;
  let next = Date.now() + CIRCUIT_HEALTHY_S * 1000;
  return setInterval(() => {
    if (Date.now() < next) return;
    failing = !failing;
    next = Date.now() + (failing ? CIRCUIT_FAILING_S : CIRCUIT_HEALTHY_S) * 1000;
    void fetch(`${targetUrl}/__phase/${failing ? 'failing' : 'healthy'}`, { method: 'POST' });
  }, 500);
}

/** Waits until nothing is waiting, running, parked or unrecorded, twice in a row; false at the deadline. */
async function settle(s: SoakStack, from: number): Promise<boolean> {
  let quiet = 0;
  while (Date.now() - from < SETTLE_DEADLINE_S * 1000) {
    await sleep(2000);
    const left = await s.scanner.unfinished().catch(() => -1);
    quiet = left === 0 && s.feeder.backlog === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return true;
  }
  return false;
}

/** Feeds for `feedSeconds` with the faults and the sampler running; then settles. */
async function feed(s: SoakStack, feedSeconds: number, sampleMs: number, samples: Sample[]) {
  const startedAt = Date.now();
  const sample = async () => {
    const taken = await takeSample(s.sources(startedAt));
    samples.push(taken);
    console.log(sampleLine(taken, SAMPLED));
  };
  s.scanner.start();
  s.feeder.start();
  await s.feeder.schedule(3);
  const sampler = setInterval(() => void sample(), sampleMs);
  const phases = circuitPhases(s.targetUrl);
  await s.system.runFaults(faultTimeline(feedSeconds, s.workers), startedAt);
  while (Date.now() - startedAt < feedSeconds * 1000) await sleep(500);
  s.feeder.stop();
  clearInterval(phases);
  await fetch(`${s.targetUrl}/__phase/healthy`, { method: 'POST' });
  await s.feeder.schedule(undefined);
  const settleFrom = Date.now();
  const settled = await settle(s, settleFrom);
  clearInterval(sampler);
  await sample();
  return { settled, settleSeconds: Math.round((Date.now() - settleFrom) / 1000) };
}

/** Compares the ledger with Redis, the history, the target and the receiver. */
async function accountFor(s: SoakStack): Promise<{ report: AccountingReport; target: Target }> {
  await s.scanner.sweep();
  const target = (await fetch(`${s.targetUrl}/__counts`).then((r) => r.json())) as Target;
  const requests = new Map<string, number>();
  for (const id of s.feeder.ledger.keys()) {
    const seq = Number(id.slice(id.lastIndexOf('-') + 1));
    if (/^[a-z-]+-\d+$/.test(id)) requests.set(id, target.bySeq[seq] ?? 0);
  }
  for (const [id, n] of s.receiver.received) requests.set(id, n);
  const report = account({
    ledger: s.feeder.ledger,
    history: await historyOf(s.postgres.url, 'soak'),
    requests,
    scheduleRequests: target.scheduleRequests,
    unknownInRedis: s.scanner.unknown,
    failedReasons: s.scanner.failedReasons,
    badSignatures: s.receiver.badSignatures(),
  });
  return { report, target };
}

interface Target {
  bySeq: number[];
  scheduleRequests: number;
  failingAnswers: number;
  phaseSwitches: number;
}

async function main(): Promise<number> {
  const minutes = Number(option('minutes', '30'));
  const workers = Number(option('workers', '2'));
  const perSecond = Number(option('rate', '120'));
  const outDir = resolve(option('out', join(ROOT, 'bench/results')));
  const feedSeconds = Math.round(minutes * 60);
  const stack = await startSoakStack(workers, perSecond, feedSeconds);
  process.once('SIGINT', () => void stack.stop().finally(() => process.exit(130)));
  try {
    console.log(
      `soak: ${minutes} min, ${workers} workers, ${perSecond} tasks/s; api ${stack.apiUrl}`,
    );
    const samples: Sample[] = [];
    const fed = await feed(stack, feedSeconds, (minutes < 10 ? 5 : 10) * 1000, samples);
    console.log(`settled: ${fed.settled} after ${fed.settleSeconds} s`);
    const { report, target } = await accountFor(stack);
    const outcome: SoakOutcome = {
      ...{ minutes, workers, perSecond, feedSeconds, ...fed, samples },
      faults: stack.system.events,
      accounting: report,
      counts: {
        ...stack.feeder.counts,
        callbacks: stack.receiver.total(),
        circuitFailingAnswers: target.failingAnswers,
        circuitPhaseSwitches: target.phaseSwitches,
        circuitOpenSamples: samples.filter((x) => x.circuitOpen > 0).length,
      },
      loadAverage: loadavg(),
    };
    const verdicts = writeSoakReport(outcome, outDir, join(ROOT, 'docs'));
    console.log(JSON.stringify({ accounting: report, counts: outcome.counts }, null, 2));
    for (const [name, v] of verdicts) {
      console.log(
        `${name.padEnd(9)} ${v.verdict.padEnd(15)} slope ${v.slopeMiBPerHour.toFixed(1)} MiB/h, noise ${v.noiseMiB.toFixed(2)} MiB, ` +
          `rise ${v.riseMiB.toFixed(2)} MiB (allowed ${v.allowedMiB.toFixed(2)}), ${v.samples} samples`,
      );
    }
    const grows = verdicts
      .filter(([n, v]) => !NOT_JUDGED.includes(n) && v.verdict === 'grows')
      .map(([n]) => n);
    const judged = minutes >= MEMORY_VERDICT_MINUTES;
    const memory = grows.length === 0 ? 'levels off' : `grows (${grows.join(', ')})`;
    console.log(
      `verdict: accounting ${report.verdict}; settled ${fed.settled}; memory ${memory}` +
        (judged ? '' : ` (not judged under ${MEMORY_VERDICT_MINUTES} minutes)`),
    );
    const memoryOk = grows.length === 0 || !judged;
    return report.verdict === 'pass' && memoryOk && fed.settled ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

process.exitCode = await main();
