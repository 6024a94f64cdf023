/**
 * One queue against two on a local Redis Cluster of 3 masters: one real
 * `taskrest worker` process consuming them, fed through the taskrest
 * producer library, and each master's CPU time (INFO cpu) over the timed
 * window. Each queue's keys carry their own hash tag (`{bench:<queue>}`), so
 * a queue lives on one master; the two queues are chosen to land on two
 * different masters. What it shows: which master, or the worker process
 * itself, runs out of CPU first.
 */
import { Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { RedisClusterProcess } from '../shared/redis-cluster-process.js';
import { commandOf, producerOf, THIS_BUILD, type BuildProducer } from './build-revision.js';
import { DIST, startProcess, targetCount, type BenchProcess } from './processes.js';
import { drained, inBatches, lap } from './bench-scene.js';
import type { Checks } from './queue-runs.js';
import { median } from './stats.js';

/** TASKREST_PREFIX without a hash tag of its own: each queue gets `{bench:<queue>}`. */
const PREFIX = 'bench';

export interface ClusterSpec {
  /** The queues consumed by the one worker process; the jobs are split evenly between them. */
  queues: readonly string[];
  /** Jobs in all, per repetition. */
  jobs: number;
  concurrency: number;
  bodyBytes: number;
  targetUrl: string;
}

/** One repetition's figures. */
export interface ClusterSample {
  throughput: number;
  /** The timed window, from releasing the paused queues until all drained, in ms. */
  windowMs: number;
  workerCpuMs: number;
  /** Each master's used_cpu_sys + used_cpu_user over the window, in ms, in the order of `masters`. */
  masterCpuMs: number[];
  checks: Checks;
}

/** A master of the cluster, as the report names it. */
export interface ClusterMaster {
  /** `127.0.0.1:<port>` */
  node: string;
  /** Its slot ranges, `0-5460`. */
  slots: string;
}

/** The medians of one shape's repetitions. */
export interface ClusterRun {
  queues: string[];
  jobs: number;
  concurrency: number;
  bodyBytes: number;
  throughputs: number[];
  throughput: number;
  /** The worker process's user + system CPU per job, in µs. */
  workerCpuUsPerJob: number;
  /** The worker process's CPU time as a share of the window (1 = one core busy all along). */
  workerCpuShare: number;
  /** Per master (in the order of ClusterResults.masters): the queues it holds, and its CPU. */
  masters: { queues: string[]; cpuMsPerThousandJobs: number; cpuShare: number }[];
  checks: Checks;
}

export interface ClusterResults {
  masters: ClusterMaster[];
  runs: ClusterRun[];
}

/** What the bench knows of the running cluster: its masters and which master holds a slot. */
export interface ClusterLayout {
  masters: ClusterMaster[];
  urls: string[];
  masterOf(slot: number): number;
}

export async function layoutOf(cluster: RedisClusterProcess): Promise<ClusterLayout> {
  const client = new Redis(cluster.urls[0]!);
  try {
    // [[start, end, [host, port, id], ...replicas], ...]
    const slots = await client.cluster('SLOTS');
    const nodes = cluster.nodes.map((n) => `127.0.0.1:${n.port}`);
    const ranges = nodes.map(() => [] as string[]);
    const owners: { start: number; end: number; master: number }[] = [];
    for (const [start, end, owner] of slots) {
      const master = nodes.indexOf(`127.0.0.1:${owner?.[1]}`);
      ranges[master]!.push(`${start}-${end}`);
      owners.push({ start, end, master });
    }
    return {
      masters: nodes.map((node, i) => ({ node, slots: ranges[i]!.join(', ') })),
      urls: [...cluster.urls],
      masterOf: (slot) => owners.find((o) => slot >= o.start && slot <= o.end)!.master,
    };
  } finally {
    client.disconnect();
  }
}

/**
 * Two queue names whose hash tags land on two different masters (the first
 * of `q1`, `q2`, … and the next one on another master), with their masters.
 */
export async function twoQueuesApart(
  layout: ClusterLayout,
): Promise<{ names: [string, string]; masters: [number, number] }> {
  const client = new Redis(layout.urls[0]!);
  try {
    const masterOfQueue = async (name: string) =>
      layout.masterOf(Number(await client.cluster('KEYSLOT', `{${PREFIX}:${name}}`)));
    const first = 'q1';
    const firstMaster = await masterOfQueue(first);
    for (let i = 2; i < 100; i++) {
      const master = await masterOfQueue(`q${i}`);
      if (master !== firstMaster)
        return { names: [first, `q${i}`], masters: [firstMaster, master] };
    }
    throw new Error('no two queue names on different masters');
  } finally {
    client.disconnect();
  }
}

function workerEnv(spec: ClusterSpec, layout: ClusterLayout): Record<string, string> {
  return {
    REDIS_CLUSTER: '1',
    REDIS_URL: layout.urls.join(','),
    TASKREST_PREFIX: PREFIX,
    TASKREST_QUEUE: spec.queues[0]!,
    TASKREST_QUEUES: spec.queues.join(','),
    WORKER_CONCURRENCY: String(spec.concurrency),
    // Keep every job, as the single-Redis rows do.
    TASKREST_KEEP_COMPLETED_COUNT: '10000000',
    TASKREST_LOG_LEVEL: 'info',
  };
}

/**
 * One repetition: every master emptied, a fresh worker process on the
 * queues, each queue paused and filled with its share of the jobs through
 * the taskrest producer, then all released at once and timed until every
 * job finished; each master's INFO cpu is read at both ends of that window.
 */
export async function measureClusterOnce(
  spec: ClusterSpec,
  layout: ClusterLayout,
): Promise<ClusterSample> {
  const settingUp = performance.now();
  const masters = layout.urls.map((url) => new Redis(url));
  await Promise.all(masters.map((m) => m.flushall()));
  const env = workerEnv(spec, layout);
  let producer: BuildProducer | undefined;
  const connection = new Cluster(
    layout.urls.map((url) => ({ host: '127.0.0.1', port: Number(new URL(url).port) })),
    { redisOptions: { maxRetriesPerRequest: null } },
  );
  // The bench pauses, resumes and counts through Queues of its own.
  const queues = spec.queues.map(
    (name) => new Queue(name, { connection, prefix: `{${PREFIX}:${name}}` }),
  );
  let starting: Promise<BenchProcess> | undefined;
  try {
    producer = await producerOf(THIS_BUILD, env);
    const url = `${spec.targetUrl}/bytes/${spec.bodyBytes}`;
    const share = spec.jobs / spec.queues.length;
    const requestsBefore = await targetCount(spec.targetUrl);
    await Promise.all(queues.map((q) => q.pause()));
    // As in the single-Redis rows: the queues fill while the worker starts.
    starting = startProcess(commandOf(DIST), ['worker'], env, /worker started/);
    const filling = performance.now();
    for (const queue of queues) {
      await inBatches(share, async (n) => {
        const added = await producer!.enqueueBulk(new Array<object>(n).fill({ url }), {
          queue: queue.name,
        });
        return added.map((a) => String(a.executionId));
      });
    }
    lap('fill', filling);
    const worker = await starting;
    lap('setup', settingUp);
    const cpuBefore = await Promise.all(masters.map(cpuMsOf));
    const workerBefore = worker.cpuMs();
    const begin = performance.now();
    await Promise.all(queues.map((q) => q.resume()));
    await Promise.all(queues.map((q) => drained(q, share)));
    const windowMs = lap('timed', begin) - begin;
    const workerCpuMs = worker.cpuMs() - workerBefore;
    const cpuAfter = await Promise.all(masters.map(cpuMsOf));
    const counts = await Promise.all(queues.map((q) => q.getJobCounts('completed', 'failed')));
    return {
      throughput: spec.jobs / (windowMs / 1000),
      windowMs,
      workerCpuMs,
      masterCpuMs: cpuAfter.map((after, i) => after - cpuBefore[i]!),
      checks: {
        completed: counts.reduce((sum, c) => sum + (c.completed ?? 0), 0),
        failed: counts.reduce((sum, c) => sum + (c.failed ?? 0), 0),
        requests: (await targetCount(spec.targetUrl)) - requestsBefore,
        expected: spec.jobs,
      },
    };
  } finally {
    const tearingDown = performance.now();
    await (await starting?.catch(() => undefined))?.stop();
    await producer?.close();
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
    await Promise.all(masters.map((m) => m.flushall()));
    masters.forEach((m) => m.disconnect());
    lap('teardown', tearingDown);
  }
}

/** The medians of one shape's samples. */
export function summariseCluster(
  spec: ClusterSpec,
  layout: ClusterLayout,
  queueMasters: readonly number[],
  samples: readonly ClusterSample[],
): ClusterRun {
  const throughputs = samples.map((s) => s.throughput);
  return {
    queues: [...spec.queues],
    jobs: spec.jobs,
    concurrency: spec.concurrency,
    bodyBytes: spec.bodyBytes,
    throughputs,
    throughput: median(throughputs),
    workerCpuUsPerJob: median(samples.map((s) => (s.workerCpuMs * 1000) / spec.jobs)),
    workerCpuShare: median(samples.map((s) => s.workerCpuMs / s.windowMs)),
    masters: layout.masters.map((_, m) => ({
      queues: spec.queues.filter((_, q) => queueMasters[q] === m),
      cpuMsPerThousandJobs: median(samples.map((s) => (s.masterCpuMs[m]! * 1000) / spec.jobs)),
      cpuShare: median(samples.map((s) => s.masterCpuMs[m]! / s.windowMs)),
    })),
    checks: samples
      .map((s) => s.checks)
      .reduce((a, b) => ({
        completed: a.completed + b.completed,
        failed: a.failed + b.failed,
        requests: a.requests + b.requests,
        expected: a.expected + b.expected,
      })),
  };
}

/** A master's used_cpu_sys + used_cpu_user so far, in ms. */
async function cpuMsOf(master: Redis): Promise<number> {
  const info = await master.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}
