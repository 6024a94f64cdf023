/**
 * The soak's samples: every few seconds the RSS of each process it runs
 * (/proc/<pid>/status VmRSS), Redis's used_memory, and counts.
 */
import type { Redis } from 'ioredis';
import { rssMiB } from './soak-processes.js';

/** One sample. */
export interface Sample {
  /** Seconds since feeding started. */
  readonly t: number;
  /** RSS in MiB by process name; Redis's used_memory as `redis`. */
  readonly mib: Record<string, number>;
  readonly enqueued: number;
  readonly finished: number;
  readonly unfinished: number;
  readonly callbacks: number;
  /** 1 while the circuit destination's circuit is open or half-open (the API's metric). */
  readonly circuitOpen: number;
}

/** What a sample reads. */
export interface SampleSources {
  readonly startedAt: number;
  /** The pids to sample now, by process name (a restarted worker has a new one). */
  pids(): Record<string, number | undefined>;
  readonly redis: Redis;
  readonly apiUrl: string;
  /** The circuit destination's origin as the metrics label it. */
  readonly circuitOrigin: string;
  counts(): Promise<{ enqueued: number; finished: number; unfinished: number; callbacks: number }>;
}

async function circuitOpen(apiUrl: string, origin: string): Promise<number> {
  const text = await fetch(`${apiUrl}/metrics`, { signal: AbortSignal.timeout(5000) }).then((r) =>
    r.text(),
  );
  const line = text
    .split('\n')
    .find((l) => l.startsWith('taskrest_destination_circuit_open{') && l.includes(origin));
  return Number(line?.split(' ').at(-1) ?? 0);
}

/** Takes one sample; a source that does not answer (Redis stopped) is left out of it. */
export async function takeSample(s: SampleSources): Promise<Sample> {
  const mib: Record<string, number> = {};
  for (const [name, pid] of Object.entries(s.pids())) {
    const v = rssMiB(pid);
    if (v !== undefined) mib[name] = v;
  }
  const memory = await s.redis.info('memory').catch(() => '');
  const used = /used_memory:(\d+)/.exec(memory)?.[1];
  if (used) mib.redis = Number(used) / 1024 / 1024;
  const counts = await s.counts().catch(() => ({
    enqueued: 0,
    finished: 0,
    unfinished: -1,
    callbacks: 0,
  }));
  return {
    t: Math.round((Date.now() - s.startedAt) / 1000),
    mib,
    ...counts,
    circuitOpen: await circuitOpen(s.apiUrl, s.circuitOrigin).catch(() => -1),
  };
}

/** The sample as one console line. */
export function sampleLine(sample: Sample, names: readonly string[]): string {
  const mem = names.map((n) => `${n} ${sample.mib[n]?.toFixed(1) ?? '-'}`).join('  ');
  return (
    `${String(sample.t).padStart(5)} s  enqueued ${sample.enqueued}  finished ${sample.finished}` +
    `  unfinished ${sample.unfinished}  callbacks ${sample.callbacks}  circuit ${sample.circuitOpen}  MiB: ${mem}`
  );
}
