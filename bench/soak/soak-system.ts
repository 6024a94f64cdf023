/**
 * The soak's faulted system: its worker processes (started again at once
 * after a kill -9, as an orchestrator would), Redis and PostgreSQL, and the
 * faults of the timeline run against them.
 */
import type { Fault, FaultEvent } from './soak-faults.js';
import type { SoakPostgres } from './soak-postgres.js';
import { startWorker, type SoakProcess, type SoakRedis } from './soak-processes.js';
import type { FinalStateScanner } from './soak-scan.js';

const REDIS_DOWN_MS = 5000;

/** Workers, Redis and PostgreSQL, and what the faults did to them. */
export class SoakSystem {
  readonly events: FaultEvent[] = [];
  /** Marks the executions a fault may cut; set before faults run. */
  scanner: FinalStateScanner | undefined;
  readonly #env: Record<string, string>;
  readonly #workers: SoakProcess[];
  readonly #redis: SoakRedis;
  readonly #postgres: SoakPostgres;

  private constructor(
    env: Record<string, string>,
    workers: SoakProcess[],
    redis: SoakRedis,
    postgres: SoakPostgres,
  ) {
    this.#env = env;
    this.#workers = workers;
    this.#redis = redis;
    this.#postgres = postgres;
  }

  /** Starts `count` workers; `stops` gets what stops them. */
  static async start(
    env: Record<string, string>,
    count: number,
    redis: SoakRedis,
    postgres: SoakPostgres,
    stops: (() => Promise<void> | void)[],
  ): Promise<SoakSystem> {
    // The system replaces a killed worker in this same array, so the stop reaches the new one.
    const workers: SoakProcess[] = [];
    stops.push(async () => {
      await Promise.all(workers.map((w) => w.stop()));
    });
    for (let i = 0; i < count; i++) workers.push(await startWorker(`worker-${i + 1}`, env));
    return new SoakSystem(env, workers, redis, postgres);
  }

  /** The pids to sample: each worker's current process, and redis-server's. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.#workers.map((w) => [w.name, w.pid]));
  }

  /** Runs each fault at its time (seconds after `startedAt`), one after another. */
  async runFaults(faults: readonly Fault[], startedAt: number): Promise<void> {
    for (const fault of faults) {
      const wait = startedAt + fault.at * 1000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const at = Math.round((Date.now() - startedAt) / 1000);
      const began = Date.now();
      try {
        const done = await this.#run(fault);
        this.events.push({ at, kind: fault.kind, tookMs: Date.now() - began, ...done });
      } catch (error) {
        const detail = `failed: ${error instanceof Error ? error.message : String(error)}`;
        this.events.push({ at, kind: fault.kind, process: '?', tookMs: 0, active: 0, detail });
      }
      console.log(`fault: ${JSON.stringify(this.events.at(-1))}`);
    }
  }

  async #active(): Promise<string[]> {
    return (await this.scanner?.activeIds().catch(() => [])) ?? [];
  }

  /** Marks the executions of the snapshots exposed, once each; answers how many. */
  #expose(...snapshots: string[][]): number {
    const ids = new Set(snapshots.flat());
    this.scanner?.expose(ids);
    return ids.size;
  }

  async #run(fault: Fault): Promise<Omit<FaultEvent, 'at' | 'kind' | 'tookMs'>> {
    if (fault.kind === 'kill-worker') {
      const index = fault.worker % this.#workers.length;
      const worker = this.#workers[index];
      if (!worker) throw new Error(`no worker ${index}`);
      const before = await this.#active();
      await worker.kill9();
      // Its jobs stay in the active list until another worker's stalled check takes them back.
      const after = await this.#active();
      const active = this.#expose(before, after);
      this.#workers[index] = await startWorker(worker.name, this.#env);
      return { process: worker.name, active };
    }
    if (fault.kind === 'restart-redis') {
      const active = this.#expose(await this.#active());
      const keysBefore = await this.scanner?.redis.dbsize();
      await this.#redis.restart(REDIS_DOWN_MS);
      const keysAfter = await this.scanner?.redis.dbsize().catch(() => undefined);
      return { process: 'redis', active, detail: `keys ${keysBefore} before, ${keysAfter} after` };
    }
    await this.#postgres.restart();
    return { process: 'postgres', active: 0 };
  }

  async stop(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop()));
  }
}
