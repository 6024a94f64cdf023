/** The benchmark's markdown table, and where it is written. */
import type { BenchResults } from './run.js';
import type { RunResult } from './queue-runs.js';
import type { ClusterResults } from './cluster-runs.js';
import { round } from './stats.js';

/** Repetitions of the rows reported without a target (the rows with targets take all of a run's). */
export const REPORTED_ROW_REPS = 3;

const MiB = 2 ** 20;
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (a: number, b: number) => `${round(a / b, 2).toFixed(2)}x`;

/** The page whose table a full run replaces (its bench:start/bench:end markers), from the repo root. */
export const REPORT_PAGE = 'docs/performance.md';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * The page with the text between its bench markers replaced by `markdown`;
 * null when the markers are missing, so a renamed page is reported instead of
 * silently left stale.
 */
export function replaceBenchTable(page: string, markdown: string): string | null {
  const from = page.indexOf(START);
  const to = page.indexOf(END);
  if (from === -1 || to < from) return null;
  return `${page.slice(0, from + START.length)}\n${markdown}\n${page.slice(to)}`;
}

export function renderMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(
    `Measured ${r.date.slice(0, 10)} by \`npm run bench${r.quick ? ' -- --quick' : ''}\` on ${r.machine.cpus} × ${r.machine.cpuModel}, ` +
      `${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ` +
      Object.entries(r.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') +
      `. Median of ${r.reps} repetitions${r.quick ? '' : ` (${Math.min(REPORTED_ROW_REPS, r.reps)} in the rows reported without a target: two workers, 256 KiB, the 100 ms target)`}, the systems alternating` +
      (r.baseline ? `; baseline: taskrest built from ${r.baseline}.` : '.') +
      ` The whole run took ${r.durations.totalSeconds} s.`,
  );
  lines.push('');
  lines.push('| ceiling | per second |', '|---|---:|');
  lines.push(
    `| axios, default adapter, keep-alive (requests) | ${n(r.httpCeilings['axios-default'])} |`,
  );
  lines.push(
    `| axios over taskrest's undici adapter (requests) | ${n(r.httpCeilings['axios-taskrest-adapter'])} |`,
  );
  lines.push(`| undici alone (requests) | ${n(r.httpCeilings.undici)} |`);
  lines.push(`| BullMQ worker, no-op processor (jobs) | ${n(r.queueCeiling.throughput)} |`);
  lines.push(`| combined ceiling 1/(1/queue + 1/undici) (jobs) | ${n(r.combinedCeiling)} |`);
  if (r.bulkEnqueue) {
    const b = r.bulkEnqueue;
    const per = `tasks, batches of ${b.batch}`;
    lines.push(`| enqueue, BullMQ addBulk, no validation (${per}) | ${n(b.bullmqPerSecond)} |`);
    lines.push(`| enqueue, taskrest library enqueueBulk (${per}) | ${n(b.libraryPerSecond)} |`);
    lines.push(`| enqueue, POST /api/tasks/bulk (${per}) | ${n(b.apiPerSecond)} |`);
  }
  lines.push('');
  const withBaseline = r.baseline !== undefined;
  lines.push(
    '| body | workers | concurrency | bare peer jobs/s | taskrest jobs/s | taskrest / peer | ' +
      (withBaseline ? 'baseline jobs/s | taskrest / baseline | ' : '') +
      'taskrest / ceiling | p99 ms peer / taskrest (rate) | CPU µs/job peer / taskrest' +
      (withBaseline ? ' / baseline' : '') +
      ' | RSS MiB peer / taskrest | Redis bytes per retained job (per job, events stream included) peer / taskrest |',
    `|---|---:|---:|---:|---:|---:|${withBaseline ? '---:|---:|' : ''}---:|---:|---:|---:|---:|`,
  );
  const slow: string[] = [];
  for (const peer of r.runs.filter((x) => x.system === 'peer')) {
    const same = (label: string) =>
      r.runs.find(
        (x) =>
          x.label === label &&
          x.workers === peer.workers &&
          x.concurrency === peer.concurrency &&
          x.bodyBytes === peer.bodyBytes &&
          x.delayMs === peer.delayMs,
      );
    const t = same('taskrest');
    if (!t) continue;
    const b = r.baseline ? same(`taskrest ${r.baseline}`) : undefined;
    if (peer.delayMs > 0) {
      const bound = peer.concurrency / (peer.delayMs / 1000);
      const off = same('taskrest, history off');
      slow.push(
        `| ${peer.concurrency} | ${n(bound)} | ${n(peer.throughput)} | ${n(t.throughput)} | ` +
          `${ratio(t.throughput, peer.throughput)} | ` +
          `${off ? `${n(off.throughput)} (${ratio(off.throughput, peer.throughput)})` : '-'} | ` +
          `${slot(peer)} / ${slot(t)} | ` +
          `${halfLoadSlot(peer)} / ${halfLoadSlot(t)} | ` +
          `${n(peer.cpuUsPerJob)} / ${n(t.cpuUsPerJob)} | ` +
          `${n(peer.rssBytes / MiB)} / ${n(t.rssBytes / MiB)} |`,
      );
      continue;
    }
    lines.push(
      `| ${peer.bodyBytes / 1024} KiB | ${peer.workers} | ${peer.concurrency} | ${n(peer.throughput)} | ${n(t.throughput)} | ` +
        `${ratio(t.throughput, peer.throughput)} | ` +
        (withBaseline
          ? b
            ? `${n(b.throughput)} | ${ratio(t.throughput, b.throughput)} | `
            : '- | - | '
          : '') +
        `${ratio(t.throughput, r.combinedCeiling)} | ${latency(peer)} / ${latency(t)} | ` +
        `${n(peer.cpuUsPerJob)} / ${n(t.cpuUsPerJob)}${withBaseline ? ` / ${b ? n(b.cpuUsPerJob) : '-'}` : ''} | ` +
        `${n(peer.rssBytes / MiB)} / ${n(t.rssBytes / MiB)} | ${redisBytes(peer)} / ${redisBytes(t)} |`,
    );
  }
  if (slow.length > 0) {
    lines.push('');
    lines.push(
      'Against a target that answers after 100 ms (1 KiB, one worker process): the bound is concurrency / latency.',
      '',
      '| concurrency | bound jobs/s | bare peer jobs/s | taskrest jobs/s | taskrest / peer | history off: taskrest jobs/s (/ peer) | mean slot ms peer / taskrest | at half load: mean slot ms peer / taskrest (rate) | CPU µs/job peer / taskrest | RSS MiB peer / taskrest |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...slow,
    );
  }
  if (r.cluster) lines.push('', ...clusterTable(r.cluster));
  lines.push('');
  lines.push(
    r.sane
      ? 'Sanity checks passed: every job completed, none failed, the target saw exactly one request per job, the history holds every execution.'
      : `Sanity problems: ${r.problems.join('; ')}`,
  );
  return lines.join('\n');
}

/** Per retained job, and per job with the events stream's share (runs from before this figure have only that). */
function redisBytes(run: RunResult): string {
  const retained = run.redisBytesPerRetainedJob as number | undefined;
  return retained === undefined
    ? n(run.redisBytesPerJob)
    : `${n(retained)} (${n(run.redisBytesPerJob)})`;
}

/** The mean slot time, processedOn to finishedOn (runs from before this figure have none). */
function slot(run: RunResult): string {
  const ms = run.slotMs as number | undefined;
  return ms === undefined || Number.isNaN(ms) ? '-' : ms.toFixed(1);
}

/** The mean slot time of the fixed-rate run at half the peer's throughput, and that rate. */
function halfLoadSlot(run: RunResult): string {
  const ms = run.latency?.slotMs;
  return ms === undefined ? '-' : `${ms.toFixed(1)} (${n(run.latency!.rate)}/s)`;
}

function latency(run: RunResult): string {
  return run.latency ? `${n(run.latency.p99Ms)} (${n(run.latency.rate)}/s)` : '-';
}

/** The Redis Cluster table: one queue against two, the worker's and each master's CPU. */
function clusterTable(c: ClusterResults): string[] {
  const pct = (share: number) => `${Math.round(share * 100)}%`;
  const one = c.runs.find((run) => run.queues.length === 1);
  const rows = c.runs.map((run) => {
    const masters = run.masters.map(
      (m) =>
        `${n(m.cpuMsPerThousandJobs)} (${pct(m.cpuShare)})` +
        (m.queues.length ? `, holds ${m.queues.join(', ')}` : ''),
    );
    return (
      `| ${run.queues.join(' + ')} | ${n(run.throughput)} | ` +
      `${one && run !== one ? ratio(run.throughput, one.throughput) : '-'} | ` +
      `${n(run.workerCpuUsPerJob)} (${pct(run.workerCpuShare)}) | ${masters.join(' | ')} |`
    );
  });
  return [
    'Two queues on a local 3-master Redis Cluster against one queue (1 KiB, one worker process, concurrency 64 shared by its queues; ' +
      'CPU over the timed window: per 1,000 jobs, and in % of the window, where 100% is one core busy all along).',
    '',
    '| queues | jobs/s | two / one | worker CPU µs/job (%) | ' +
      c.masters
        .map((m, i) => `master ${i + 1} (slots ${m.slots}) CPU ms/1,000 jobs (%)`)
        .join(' | ') +
      ' |',
    `|---|---:|---:|---:|${c.masters.map(() => '---:|').join('')}`,
    ...rows,
  ];
}
