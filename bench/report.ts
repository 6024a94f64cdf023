/** The benchmark's markdown table. */
import type { BenchResults } from './run.js';
import type { RunResult } from './queue-runs.js';
import { round } from './stats.js';

const MiB = 2 ** 20;
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (a: number, b: number) => `${round(a / b, 2).toFixed(2)}x`;

export function renderMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(
    `Measured ${r.date.slice(0, 10)} by \`npm run bench${r.quick ? ' -- --quick' : ''}\` on ${r.machine.cpus} × ${r.machine.cpuModel}, ` +
      `${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ` +
      Object.entries(r.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') +
      '. Median of 3 repetitions.',
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
  lines.push(
    '| body | workers | concurrency | bare peer jobs/s | taskrest jobs/s | taskrest / peer | taskrest / ceiling | p99 ms peer / taskrest (rate) | RSS MiB peer / taskrest | Redis bytes/job peer / taskrest |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  const peers = r.runs.filter((x) => x.system === 'peer');
  for (const peer of peers) {
    const t = r.runs.find(
      (x) =>
        x.system === 'taskrest' &&
        x.workers === peer.workers &&
        x.concurrency === peer.concurrency &&
        x.bodyBytes === peer.bodyBytes,
    );
    if (!t) continue;
    lines.push(
      `| ${peer.bodyBytes / 1024} KiB | ${peer.workers} | ${peer.concurrency} | ${n(peer.throughput)} | ${n(t.throughput)} | ` +
        `${ratio(t.throughput, peer.throughput)} | ${ratio(t.throughput, r.combinedCeiling)} | ${latency(peer)} / ${latency(t)} | ` +
        `${n(peer.rssBytes / MiB)} / ${n(t.rssBytes / MiB)} | ${n(peer.redisBytesPerJob)} / ${n(t.redisBytesPerJob)} |`,
    );
  }
  lines.push('');
  lines.push(
    r.sane
      ? 'Sanity checks passed: every job completed, none failed, the target saw exactly one request per job.'
      : `Sanity problems: ${r.problems.join('; ')}`,
  );
  return lines.join('\n');
}

function latency(run: RunResult): string {
  return run.latency ? `${n(run.latency.p99Ms)} (${n(run.latency.rate)}/s)` : '-';
}
