/**
 * The soak's faults on a timer: kill -9 of a worker every few minutes (it is
 * started again at once, as an orchestrator would), Redis stopped and
 * started again from its AOF once, the history's PostgreSQL restarted once.
 * The timeline scales with the run, so that a short run has each fault too.
 */

/** One fault, `at` seconds after feeding started. */
export type Fault =
  | { readonly at: number; readonly kind: 'kill-worker'; readonly worker: number }
  | { readonly at: number; readonly kind: 'restart-redis' }
  | { readonly at: number; readonly kind: 'restart-postgres' };

/** How many worker kills a run of `seconds` gets: one about every 4 minutes, at least two. */
export function killCount(seconds: number): number {
  return Math.max(2, Math.round(seconds / 240));
}

/**
 * The faults of a run of `seconds` feeding with `workers` workers: the
 * kills spread evenly (never in the first or last slice, so that the run
 * starts and ends settled), alternating workers; Redis halfway between the
 * middle kills, PostgreSQL one slice later.
 */
export function faultTimeline(seconds: number, workers: number): Fault[] {
  const kills = killCount(seconds);
  const slice = seconds / (kills + 1);
  const faults: Fault[] = [];
  for (let i = 0; i < kills; i++) {
    faults.push({ at: Math.round(slice * (i + 1)), kind: 'kill-worker', worker: i % workers });
  }
  const middle = Math.floor(kills / 2);
  faults.push({ at: Math.round(slice * (middle + 0.5)), kind: 'restart-redis' });
  faults.push({ at: Math.round(slice * (middle + 1.5)), kind: 'restart-postgres' });
  return faults.sort((a, b) => a.at - b.at);
}

/** What a fault did, for the report. */
export interface FaultEvent {
  readonly at: number;
  readonly kind: Fault['kind'];
  /** The process it restarted (`worker-1`, `redis`, `postgres`). */
  readonly process: string;
  /** How long it took until the process was back, ms. */
  readonly tookMs: number;
  /** Executions active when it struck (marked as exposed). */
  readonly active: number;
  readonly detail?: string;
}
