/**
 * Everything a soak starts, in order, and stops again in reverse (also when
 * the start fails halfway): Redis, PostgreSQL, the target, the callback
 * receiver, the workers, the API, the feeder and the final-state scanner.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCallbackReceiver, type CallbackReceiver } from './soak-callbacks.js';
import { Feeder, retentionFor } from './soak-feed.js';
import { startSoakPostgres, type SoakPostgres } from './soak-postgres.js';
import { SoakRedis, startApi, startTarget } from './soak-processes.js';
import type { SampleSources } from './soak-samples.js';
import { FinalStateScanner } from './soak-scan.js';
import { SoakSystem } from './soak-system.js';

/** The running soak. */
export interface SoakStack {
  readonly workers: number;
  readonly apiUrl: string;
  readonly targetUrl: string;
  readonly postgres: SoakPostgres;
  readonly receiver: CallbackReceiver;
  readonly system: SoakSystem;
  readonly feeder: Feeder;
  readonly scanner: FinalStateScanner;
  /** What the sampler reads, with times counted from `startedAt`. */
  sources(startedAt: number): SampleSources;
  /** Stops everything it started, in reverse order, and deletes its data. */
  stop(): Promise<void>;
}

/** Starts the whole soak system; on a failure stops what it had started and rethrows. */
export async function startSoakStack(
  workers: number,
  perSecond: number,
  feedSeconds: number,
): Promise<SoakStack> {
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'taskrest-soak-'));
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'redis'));
    const redis = await SoakRedis.start(join(dir, 'redis'));
    stops.push(() => redis.stop());
    const postgres = await startSoakPostgres();
    stops.push(() => postgres.destroy());
    const {
      target,
      url: targetUrl,
      circuitUrl,
    } = await startTarget(Math.ceil(perSecond * feedSeconds * 1.5) + 1000);
    stops.push(() => target.stop());
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const receiver = await startCallbackReceiver(secret);
    stops.push(() => receiver.close());
    const retention = retentionFor(perSecond, feedSeconds);
    const env = {
      REDIS_URL: redis.url,
      TASKREST_QUEUE: 'soak',
      TASKREST_HISTORY_URL: postgres.url,
      TASKREST_CALLBACK_SECRETS: secret,
      TASKREST_CIRCUIT_COOLDOWN_SECONDS: '5',
      TASKREST_HEALTH_PORT: '0',
      // Retries slept in the worker hold a slot each: room for them beside the plain tasks.
      WORKER_CONCURRENCY: '64',
      // The scanner reads each final state before retention trims it (soak-scan.ts).
      TASKREST_KEEP_COMPLETED_COUNT: String(retention.completed),
      TASKREST_KEEP_FAILED_COUNT: String(retention.failed),
    };
    const system = await SoakSystem.start(env, workers, redis, postgres, stops);
    const { api, url: apiUrl } = await startApi(env);
    stops.push(() => api.stop());
    const to = { api: apiUrl, target: targetUrl, circuit: circuitUrl, receiver: receiver.url };
    const feeder = new Feeder(to, perSecond);
    stops.push(() => feeder.close());
    const scanner = new FinalStateScanner(
      redis.url,
      '{taskrest:soak}:soak',
      feeder.ledger,
      (id) => void feeder.replay(id),
    );
    stops.push(() => scanner.close());
    system.scanner = scanner;
    const sources = (startedAt: number): SampleSources => ({
      startedAt,
      redis: scanner.redis,
      apiUrl,
      circuitOrigin: circuitUrl,
      pids: () => ({ ...system.pids(), api: api.pid, target: target.pid, soak: process.pid }),
      counts: async () => {
        let finished = 0;
        for (const e of feeder.ledger.values()) if (e.seen) finished++;
        const unfinished = await scanner.unfinished();
        const callbacks = receiver.total();
        return { enqueued: feeder.counts.enqueued, finished, unfinished, callbacks };
      },
    });
    return {
      ...{ workers, apiUrl, targetUrl, postgres, receiver, system, feeder, scanner },
      sources,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
